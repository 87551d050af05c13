import fc from 'fast-check';

/** Keys that pollute prototypes when an object is merged carelessly. */
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Text that breaks careless code: lone surrogates, invisible and control characters, huge runs. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('\ud800', 'a\udc00b', '\u200b', '\u202e', '\ufeff', '\u0000', '\r\n', '..', '../../etc/passwd', '%2e%2e', 'https://weixin.qq.com/q/', ' '),
  fc.integer({ min: 10_000, max: 200_000 }).map((length) => 'x'.repeat(length)),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

/** Numbers at the edges: past 2^53, negative zero, non-finite, fractions. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 53 + 2, -(2 ** 53) - 2, Number.MAX_VALUE, -0, 0.5, 1e21, Number.NaN, Number.POSITIVE_INFINITY),
);

/** Any value: scalars, long arrays, deep nesting, objects with prototype keys at any level. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.integer({ min: 1000, max: 5000 }).map((length) => Array.from({ length }, (_, index) => index)),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...PROTO_KEYS)), tie('value'), { maxKeys: 5 }),
    fc.integer({ min: 50, max: 400 }).map((depth) => {
      let nested: unknown = 1;
      for (let level = 0; level < depth; level++) nested = { a: nested };
      return nested;
    }),
  ),
})).value;

/** An input object for a function: its real field names (so validation goes deep) mixed with others. */
export function hostileInput(fieldNames: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const key = fc.oneof(fc.constantFrom(...(fieldNames.length > 0 ? fieldNames : ['x'])), fc.constantFrom(...PROTO_KEYS, 'authorizer_appid', 'userInfo'), fc.string({ maxLength: 10 }));
  return fc.dictionary(key, hostileValue, { maxKeys: 6 }).map((input) => {
    // JSON.parse makes "__proto__" an own key; an object literal would not: build it the JSON way.
    return JSON.parse(JSON.stringify(input, (_k, value: unknown) => (value === undefined ? null : value))) as Record<string, unknown>;
  });
}
