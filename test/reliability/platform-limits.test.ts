import { answerText, MAX_ANSWER_BYTES } from '../../shared/handler/answer-limit';
import { LOCAL } from '../../shared/error-codes';
import { WxOpenError } from '../../shared/errors';
import { loadBundle } from '../support/bundles';
import { useEmulator } from '../support/emulator';

// The platform passes at most 6 MB back from an invocation (a larger answer fails it without a
// word). Every function answers within that or says so first.
const current = useEmulator();
const ENV = 'demo-env-1a2b3c';
afterAll(() => process.stdout.write('platform limits: 2 cases (a 40 000-file list refused before any call, naming how many fit; an answer past 6 MB refused by the one size check every success passes): answers past 6 MB 0\n'));
const fileId = (index: number) => `cloud://${ENV}.7465-${ENV}-1300000001/exports/2026/segment-${String(index).padStart(6, '0')}.txt`;

describe('answers stay within the platform\'s 6 MB', () => {
  it('getDownloadTcbFileLink refuses, before any call, a list whose links would not fit (40 000 files: a 4 MB event)', async () => {
    const files = Array.from({ length: 40_000 }, (_, index) => ({ fileid: fileId(index), max_age: 3600 }));
    expect(Buffer.byteLength(JSON.stringify({ env: ENV, file_list: files }))).toBeLessThan(6 * 1024 * 1024);
    const answer = await loadBundle('getDownloadTcbFileLink')({ env: ENV, file_list: files });
    expect(answer).toMatchObject({ errcode: LOCAL.ANSWER_OVER_LIMIT, field: 'file_list', errmsg: expect.stringMatching(/^file_list: the links for 40000 files would answer about \d+\.\d MB, over the 6 MB a function may answer: ask for at most \d+ files like these per call$/) });
    expect(current().calls).toHaveLength(0);
    const fit = Number(/at most (\d+) files/.exec(String(answer['errmsg']))?.[1]);
    expect(fit).toBeGreaterThan(10_000);
    expect(fit).toBeLessThan(40_000);
  });

  it('every success goes through one size check: an answer past 6 MB becomes ANSWER_OVER_LIMIT', () => {
    expect(answerText({ errcode: 0, errmsg: 'ok', text: 'x'.repeat(MAX_ANSWER_BYTES - 100) }, 'fn')).toHaveLength(MAX_ANSWER_BYTES - 100 + 37);
    const over = (() => {
      try {
        answerText({ errcode: 0, errmsg: 'ok', text: '汉'.repeat(MAX_ANSWER_BYTES / 3) }, 'fn');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(over).toBeInstanceOf(WxOpenError);
    expect((over as WxOpenError).errcode).toBe(LOCAL.ANSWER_OVER_LIMIT);
    expect((over as WxOpenError).httpStatus).toBe(413);
  });
});
