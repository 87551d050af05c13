import { MalformedMultipart, parseMultipart } from '../../scripts/emulator/multipart';
import { codeOf, codeUrlOf, MAX_SERIAL, packagePlaintext, refOfCode, refOfCodeUrl } from '../../scripts/emulator/marketcode-codes';
import { LocalError } from '../../shared/errors';
import { applicationIdFromAnswer, applicationIdProblem } from '../../shared/marketcode/application-id';
import type { Application } from '../../shared/marketcode/api';
import { exportFolderOf, exportPathOf } from '../../shared/marketcode/export-package';
import { describeSegments, requireFinished, requireSegment } from '../../shared/marketcode/segment-download';

describe('application ids', () => {
  it('accepts safe numbers and 64-bit decimal strings only', () => {
    expect(applicationIdProblem(581865877)).toBeUndefined();
    expect(applicationIdProblem('18446744073709551615')).toBeUndefined();
    expect(applicationIdProblem(2 ** 53)).toMatch(/decimal string/);
    expect(applicationIdProblem('18446744073709551616')).toMatch(/64-bit/);
    for (const bad of [0, 1.5, '-1', '01', '1e9', ' 1', null, true]) expect(applicationIdProblem(bad)).toBeDefined();
  });

  it('reads WeChat\'s answer as a decimal string, whatever its size', () => {
    expect(applicationIdFromAnswer(581865877, 'x')).toBe('581865877');
    expect(applicationIdFromAnswer('18014398509481985', 'x')).toBe('18014398509481985');
    expect(() => applicationIdFromAnswer(undefined, 'intp/marketcode/applycode')).toThrow(/no usable application_id/);
    expect(() => applicationIdFromAnswer(1.5, 'x')).toThrow(LocalError);
  });
});

describe('segments', () => {
  const application: Application = {
    status: 'FINISH',
    application_id: '581865877',
    isv_application_id: 'a',
    code_generate_list: [
      { code_start: 0, code_end: 49999 },
      { code_start: 50000, code_end: 59999 },
    ],
  };

  it('finds only an exact segment and lists the real ones otherwise', () => {
    expect(requireSegment(application, { code_start: 50000, code_end: 59999 })).toEqual({ code_start: 50000, code_end: 59999 });
    expect(() => requireSegment(application, { code_start: 0, code_end: 59999 })).toThrow(/0-59999 is not a generated segment.*0-49999, 50000-59999/);
    expect(describeSegments([])).toBe('none yet');
    expect(describeSegments(Array.from({ length: 6 }, (_, i) => ({ code_start: i, code_end: i })))).toBe('0-0, 1-1, 2-2, 3-3, … (6 in all)');
  });

  it('treats every status but FINISH as not ready', () => {
    expect(() => requireFinished(application)).not.toThrow();
    expect(() => requireFinished({ ...application, status: 'INIT' })).toThrow(/status is "INIT", not "FINISH"/);
  });

  it('stores each segment at a fixed path', () => {
    const folder = exportFolderOf('18014398509481985', Buffer.from('demoMarketKey016'));
    expect(folder).toMatch(/^marketcode\/18014398509481985\/[0-9a-f]{20}$/);
    expect(exportFolderOf('18014398509481985', Buffer.from('demoMarketKey016'))).toBe(folder);
    expect(exportFolderOf('18014398509481985', Buffer.from('otherMarketKey16'))).not.toBe(folder);
    expect(exportPathOf(folder, { code_start: 50000, code_end: 99999 })).toBe(`${folder}/50000-99999.txt`);
  });
});

describe('the emulator\'s codes', () => {
  it('reads every code and code_url back to its application and index', () => {
    for (const ref of [
      { serial: 1, codeIndex: 0 },
      { serial: 7, codeIndex: 123456 },
      { serial: MAX_SERIAL, codeIndex: 19_999_999 },
    ]) {
      expect(codeOf(ref)).toMatch(/^[0-9A-Z]{9}$/);
      expect(codeUrlOf(ref)).toMatch(/^P\.URL\.CN\/0U\.[0-9A-Z]{16}$/);
      expect(refOfCode(codeOf(ref))).toEqual(ref);
      expect(refOfCodeUrl(codeUrlOf(ref))).toEqual(ref);
    }
    expect(new Set(Array.from({ length: 1000 }, (_, i) => codeOf({ serial: 1, codeIndex: i }))).size).toBe(1000);
    expect(refOfCode('abc')).toBeUndefined();
  });

  it('writes one code per line', () => {
    const text = packagePlaintext(1, 10, 12);
    expect(text.split('\n')).toEqual([`10,${codeOf({ serial: 1, codeIndex: 10 })},${codeUrlOf({ serial: 1, codeIndex: 10 })}`, expect.any(String), expect.any(String), '']);
  });
});

describe('the emulator\'s multipart reader', () => {
  const type = 'multipart/form-data; boundary=XyZ';
  const body = (text: string) => Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1');

  it('reads fields and a binary file in order', () => {
    const parts = parseMultipart(
      Buffer.concat([
        body('--XyZ\nContent-Disposition: form-data; name="key"\n\na/b.txt\n--XyZ\nContent-Disposition: form-data; name="file"; filename="b.txt"\nContent-Type: application/octet-stream\n\n'),
        Buffer.from([0, 13, 10, 45, 45, 255]),
        body('\n--XyZ--\n'),
      ]),
      type,
    );
    expect(parts.map((part) => part.name)).toEqual(['key', 'file']);
    expect(parts[0]?.data.toString()).toBe('a/b.txt');
    expect(parts[1]).toMatchObject({ filename: 'b.txt', contentType: 'application/octet-stream' });
    expect([...parts[1]!.data]).toEqual([0, 13, 10, 45, 45, 255]);
  });

  it('refuses bodies COS would call malformed', () => {
    for (const [text, contentType, reason] of [
      ['--XyZ\nContent-Disposition: form-data; name="key"\n\nx\n--XyZ--\n', 'text/plain', /not multipart/],
      ['junk--XyZ--\n', type, /does not start with the boundary/],
      ['--XyZ\nContent-Disposition: form-data; name="key"\n\nx', type, /truncated/],
      ['--XyZ\nContent-Disposition: attachment\n\nx\n--XyZ--\n', type, /form-data/],
      ['--XyZ--\n', type, /no fields/],
    ] as const) {
      expect(() => parseMultipart(body(text), contentType)).toThrow(MalformedMultipart);
      expect(() => parseMultipart(body(text), contentType)).toThrow(reason);
    }
  });
});
