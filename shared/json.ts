import { isSafeNumber, parse, stringify, type LosslessNumber } from 'lossless-json';

/**
 * JSON that keeps 64-bit ids whole. WeChat documents ids such as application_id as Uint64: a plain
 * JSON.parse would round anything past 2^53. Here a number that fits a double exactly stays a
 * number; an integer that does not becomes its decimal string, which survives every later
 * JSON.stringify (the TCB runtime stringifies answers itself).
 */
export function parseJson(text: string): unknown {
  return parse(text, null, (digits: string) => {
    if (isSafeNumber(digits)) return Number(digits);
    return /^-?\d+$/.test(digits) ? digits : Number(digits);
  });
}

/** Serialises a request body; a bigint is written as bare digits (a JSON number), never rounded. */
export function stringifyJson(value: unknown): string {
  const text = stringify(value as Parameters<typeof stringify>[0]);
  if (text === undefined) throw new TypeError('value cannot be serialised to JSON');
  return text;
}

export type { LosslessNumber };
