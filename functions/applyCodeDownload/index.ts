import { defineFunction } from '../../shared/handler/define-function';
import { marketCode } from '../../shared/marketcode/api';
import { downloadInput } from '../../shared/marketcode/schemas';
import { downloadSegment, marketCodeKey, requireFinished, requireSegment } from '../../shared/marketcode/segment-download';

/**
 * applycodedownload + decryption: one generated segment of a FINISH application, decrypted with
 * WXOPEN_MARKETCODE_KEY. Answers the plaintext (`text`), its non-blank lines (`lines`) and the
 * number of codes — never the ciphertext. The key is checked before any call; the application is
 * read first so that a status other than FINISH or a range that is not a generated segment gets a
 * clear error (WeChat documents no code for either).
 */
export const main = defineFunction({
  name: 'applyCodeDownload',
  input: downloadInput,
  async run(request, { wechat }) {
    const key = marketCodeKey();
    const application = await marketCode.query(wechat, { application_id: request.application_id });
    requireFinished(application);
    const segment = requireSegment(application, request);
    const decrypted = await downloadSegment(wechat, key, request.application_id, segment);
    return {
      application_id: application.application_id,
      code_start: segment.code_start,
      code_end: segment.code_end,
      code_count: decrypted.codeCount,
      header: decrypted.header,
      prefix_stripped: decrypted.prefixStripped,
      bytes: decrypted.bytes,
      text: decrypted.text,
      lines: decrypted.lines,
    };
  },
});
