import fc from 'fast-check';
import * as v from 'valibot';
import { caselessPattern } from '../../scripts/openapi/caseless-pattern';
import { codesOf } from '../../scripts/openapi/error-catalogue';
import { docCommentOf } from '../../scripts/openapi/function-definitions';
import { inputJsonSchema, lazyBranches } from '../../scripts/openapi/input-schema';
import { localCodesOf } from '../../scripts/openapi/local-codes';
import { codeActiveQueryInput } from '../../shared/marketcode/schemas';
import { jumpRuleInput, ordinaryRule, serviceAccountRule } from '../../shared/qrcode-jump/schemas';
import { knownCodes, LOCAL } from '../../shared/error-codes';
import { EVERY_API_CODES, FAMILY_CODES, TOKEN_CODES } from '../../scripts/openapi/wechat-apis';

describe('caselessPattern (a regex with the i flag as a JSON Schema pattern)', () => {
  const patterns = ['^wx[0-9a-f]{16}$', '^[a-z0-9][a-z0-9!#$&^_.+-]*\\/[a-z0-9][a-z0-9!#$&^_.+-]*(\\s*;\\s*[a-z0-9!#$&^_.+-]+=("[^"\\r\\n]*"|[a-z0-9!#$&^_.+-]+))*$', '^(?<word>ab)\\u0041c\\d$', '^[^a-c]x$', '^[!-\\/a]+$'];

  it('matches exactly what the original matches, on letters of both cases and on punctuation', () => {
    const alphabet = fc.constantFrom(...'wWxXaAbBcCfFgGzZ09;=/"+- .\u00e9'.split(''));
    for (const source of patterns) {
      const original = new RegExp(source, 'iu');
      const rewritten = new RegExp(caselessPattern(source), 'u');
      fc.assert(fc.property(fc.array(alphabet, { maxLength: 24 }).map((chars) => chars.join('')), (text) => original.test(text) === rewritten.test(text)), { numRuns: 300 });
      for (const sample of ['wx0123456789abcdef', 'WX0123456789ABCDEF', 'TEXT/HTML; Charset=UTF-8', 'text/html;charset="a b"', 'abAc1', 'abac1', 'Dx']) expect({ source, sample, same: original.test(sample) === rewritten.test(sample) }).toEqual({ source, sample, same: true });
    }
  });

  it('puts the other case first in a class, so that a trailing "-" stays a literal', () => {
    expect(caselessPattern('^[a-f+-]$')).toBe('^[A-Fa-f+-]$');
    expect(caselessPattern('wx')).toBe('[wW][xX]');
  });
});

describe('inputJsonSchema', () => {
  it('expands a top-level v.lazy into every branch it can choose, found by the keys its getter looks for', () => {
    expect(lazyBranches(jumpRuleInput).map((branch) => branch.schema)).toEqual([ordinaryRule, serviceAccountRule]);
    expect(lazyBranches(codeActiveQueryInput).map((branch) => branch.keys)).toEqual([[], ['code'], ['code_url']]);
    const schema = inputJsonSchema(codeActiveQueryInput);
    expect(schema.anyOf).toHaveLength(3);
    expect(schema['x-chosen-by']).toContain('"code"');
  });

  it('notes what JSON Schema cannot say (x-checks, x-transformed) and keeps the schema\'s messages', () => {
    const schema = inputJsonSchema(
      v.pipe(
        v.strictObject({ a: v.pipe(v.string(), v.check((text) => text !== 'x', 'must not be x')), n: v.pipe(v.union([v.number(), v.string()], 'a number or its digits'), v.transform(Number)) }),
        v.rawCheck(() => undefined),
      ),
    );
    expect(schema).toMatchObject({
      additionalProperties: false,
      properties: { a: { type: 'string', 'x-checks': ['must not be x'] }, n: { anyOf: [{ type: 'number' }, { type: 'string' }], description: 'a number or its digits', 'x-transformed': true } },
      'x-checks': [expect.stringContaining('across fields')],
    });
  });

  it('fails, rather than drop a rule, on what it cannot convert', () => {
    expect(() => inputJsonSchema(v.strictObject({ when: v.date() }))).toThrow(/date/);
    expect(() => inputJsonSchema(v.pipe(v.string(), v.regex(/a/g)))).toThrow(/flags/);
    expect(() => inputJsonSchema(v.strictObject({ inner: v.lazy(() => v.string()) }))).toThrow(/lazy/);
    expect(() => inputJsonSchema(v.pipe(v.string(), v.transform(Number), v.minValue(1)))).toThrow(/after a transformation/);
  });
});

describe('the error codes of a function', () => {
  it('derives the local ones from the modules its index.ts reaches', () => {
    const add = localCodesOf('addJumpQRCode');
    expect(add).toEqual(expect.arrayContaining([LOCAL.INVALID_INPUT, LOCAL.UNAUTHENTICATED, LOCAL.HTTP_DISABLED, LOCAL.FORBIDDEN, LOCAL.METHOD_NOT_ALLOWED, LOCAL.DEADLINE_EXCEEDED]));
    expect(add).not.toContain(LOCAL.MARKETCODE_NOT_FINISHED);
    expect(add).not.toContain(LOCAL.GATEWAY_UNKNOWN_FUNCTION); // the gateway's, not the bundle's
    expect(localCodesOf('applyCodeDownload')).toEqual(expect.arrayContaining([LOCAL.MARKETCODE_NOT_FINISHED, LOCAL.MARKETCODE_NOT_A_SEGMENT, LOCAL.DECRYPT_FAILED]));
  });

  it('lists only codes the table knows, and every code of the API tables is known there', () => {
    const known = new Set(knownCodes());
    const listed = [...EVERY_API_CODES, ...FAMILY_CODES.flatMap((family) => family.codes), ...Object.values(TOKEN_CODES).flat()];
    expect(listed.filter((code) => !known.has(code))).toEqual([]);
    const codes = codesOf({ name: 'publishJumpQRCode', actsForMerchant: true });
    expect(codes.map((code) => code.errcode)).toEqual(expect.arrayContaining([886000, 85074, 40001, 61007, 990001]));
    expect(codes.find((code) => code.errcode === 886000)?.from).toEqual(['cgi-bin/wxopen/qrcodejumppublish']);
  });

  it('reads the doc comment above export const main', () => {
    expect(docCommentOf('import x;\n/**\n * Does it.\n * Twice.\n */\nexport const main = 1;')).toBe('Does it. Twice.');
    expect(docCommentOf('/** Not this one. */\nconst x = 1;\nexport const main = 1;')).toBe('');
    expect(docCommentOf('/** The function. */\n/** A constant. */\nconst x = 1;\nexport const main = 1;')).toBe('The function.');
  });
});
