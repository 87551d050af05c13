import { LOCAL } from '../../shared/error-codes';
import { LocalError } from '../../shared/errors';
import { defineFunction } from '../../shared/handler/define-function';
import { marketCode } from '../../shared/marketcode/api';
import { downloadInput } from '../../shared/marketcode/schemas';
import { downloadSegment, marketCodeKey, requireFinished, requireSegment } from '../../shared/marketcode/segment-download';

/**
 * applycodedownload + decryption: one generated segment of a FINISH application, decrypted with
 * WXOPEN_MARKETCODE_KEY. Answers the plaintext (`text`), its non-blank lines (`lines`) and the
 * number of codes — never the ciphertext. The key is checked before any call; the application is
 * read first so that a status other than FINISH or a range that is not a generated segment gets a
 * clear error (WeChat documents no code for either). `output` picks text, lines or both; an answer
 * that would not fit the platform's 6 MB limit is refused with a clear error instead of failing there.
 */
/** The runtime refuses answers over 6 MB; leave room for the JSON around the package. */
const MAX_ANSWER_BYTES = 5.5 * 1024 * 1024;
export const main = defineFunction({
  name: 'applyCodeDownload',
  input: downloadInput,
  async run(request, { wechat }) {
    const key = marketCodeKey();
    const application = await marketCode.query(wechat, { application_id: request.application_id });
    requireFinished(application);
    const segment = requireSegment(application, request);
    const decrypted = await downloadSegment(wechat, key, request.application_id, segment);
    // JSON-escaped size: each line adds its quotes and a comma.
    const size = (request.output === 'lines' ? 0 : decrypted.bytes) + (request.output === 'text' ? 0 : decrypted.bytes + decrypted.lines.length * 3);
    if (size > MAX_ANSWER_BYTES) {
      throw new LocalError(LOCAL.ANSWER_TOO_LARGE, `output: the package as "${request.output}" is about ${(size / 1048576).toFixed(1)} MB, over the 6 MB a function may answer`, { field: 'output' });
    }
    return {
      application_id: application.application_id,
      code_start: segment.code_start,
      code_end: segment.code_end,
      code_count: decrypted.codeCount,
      header: decrypted.header,
      prefix_stripped: decrypted.prefixStripped,
      bytes: decrypted.bytes,
      ...(request.output === 'lines' ? {} : { text: decrypted.text }),
      ...(request.output === 'text' ? {} : { lines: decrypted.lines }),
    };
  },
});
