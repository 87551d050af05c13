import { hasLongInteger, parseJson } from '../../shared/json';

describe('parseJson picks the lossless parser only when a number could lose digits', () => {
  it('spots integers above 15 digits outside strings only', () => {
    expect(hasLongInteger('{"application_id":18014398509481985}')).toBe(true);
    expect(hasLongInteger('[1,-9007199254740993]')).toBe(true);
    expect(hasLongInteger('{"application_id":581865877,"t":1700000000}')).toBe(false);
    expect(hasLongInteger('{"buffer":"12345678901234567890","id":"18014398509481985"}')).toBe(false);
    expect(hasLongInteger('{"s":"a\\"12345678901234567890","n":1}')).toBe(false);
    expect(hasLongInteger('{"s":"\\\\","n":12345678901234567890}')).toBe(true);
  });

  it('gives the same values either way', () => {
    const texts = [
      '{"errcode":0,"errmsg":"ok","application_id":18014398509481985,"list":[{"code_start":0,"code_end":49999}]}',
      '{"errcode":0,"buffer":"QUJD1234567890123456789==","n":1.5e3,"neg":-12,"t":true,"z":null}',
      '{"x":1.23456789012345678,"y":"\\u00e9\\n"}',
    ];
    expect(parseJson(texts[0]!)).toEqual({ errcode: 0, errmsg: 'ok', application_id: '18014398509481985', list: [{ code_start: 0, code_end: 49999 }] });
    expect(parseJson(texts[1]!)).toEqual(JSON.parse(texts[1]!));
    expect(parseJson(texts[2]!)).toEqual(JSON.parse(texts[2]!));
  });

  it('parses a 2.8 MB package answer fast', () => {
    const text = JSON.stringify({ errcode: 0, errmsg: 'ok', buffer: 'A1'.repeat(1_400_000) });
    const started = Date.now();
    expect((parseJson(text) as { buffer: string }).buffer).toHaveLength(2_800_000);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
