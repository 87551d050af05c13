import fc from 'fast-check';
import { hasLongInteger, parseJson } from '../../shared/json';

/** The character walk hasLongInteger replaced: the reference it must agree with. */
function walkEveryCharacter(text: string): boolean {
  let digits = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x22) {
      digits = 0;
      index += 1;
      while (index < text.length) {
        const inner = text.charCodeAt(index);
        if (inner === 0x5c) index += 2;
        else if (inner === 0x22) break;
        else index += 1;
      }
    } else if (code >= 0x30 && code <= 0x39) {
      digits += 1;
      if (digits > 15) return true;
    } else {
      digits = 0;
    }
  }
  return false;
}

describe('parseJson picks the lossless parser only when a number could lose digits', () => {
  it('spots integers above 15 digits outside strings only', () => {
    expect(hasLongInteger('{"application_id":18014398509481985}')).toBe(true);
    expect(hasLongInteger('[1,-9007199254740993]')).toBe(true);
    expect(hasLongInteger('{"application_id":581865877,"t":1700000000}')).toBe(false);
    expect(hasLongInteger('{"buffer":"12345678901234567890","id":"18014398509481985"}')).toBe(false);
    expect(hasLongInteger('{"s":"a\\"12345678901234567890","n":1}')).toBe(false);
    expect(hasLongInteger('{"s":"\\\\","n":12345678901234567890}')).toBe(true);
    expect(hasLongInteger('{"a":"1234567890123456789","b":"\\\\\\"9999999999999999999","c":"12345678901234567"}')).toBe(false);
    expect(hasLongInteger('{"a":"1234567890123456789","b":12345678901234567}')).toBe(true);
  });

  it('agrees with a walk over every character, on generated JSON with long digit runs in and out of strings', () => {
    const digits = fc.stringMatching(/^-?[0-9]{1,24}$/);
    const text = fc.stringMatching(/^([0-9]{0,20}|\\\\|\\"|[a-z"\\ ]){0,12}$/);
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, digits.map((d) => ({ raw: d })), text, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(text, tie('node'), { maxKeys: 4 })),
    })).node;
    // Numbers are written as their raw digits (no rounding on the way into the text).
    const toJson = (node: unknown): string =>
      typeof node === 'string' ? JSON.stringify(node)
        : Array.isArray(node) ? `[${node.map(toJson).join(',')}]`
        : typeof node === 'object' && node !== null && 'raw' in node ? String((node as { raw: string }).raw)
        : `{${Object.entries(node as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
    fc.assert(fc.property(value, (node) => {
      const json = toJson(node);
      expect(hasLongInteger(json)).toBe(walkEveryCharacter(json));
    }), { numRuns: 2000, seed: 4242 });
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
