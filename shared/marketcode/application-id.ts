/**
 * application_id is a 64-bit unsigned id (WeChat documents it as Uint64). The rule here:
 *  - in: a caller may give a JavaScript number (only while it is a safe integer: a bigger number has
 *    already lost digits before it reached us) or its decimal string ("18014398509481985");
 *  - to WeChat: always a bigint, so the JSON body carries the bare digits, never rounded;
 *  - out: every answer gives it as a decimal string, whatever its size, so callers never need to
 *    know whether a particular id happens to fit a double.
 */
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';

export const MAX_UINT64 = 2n ** 64n - 1n;

export const APPLICATION_ID_RULE = 'must be a positive whole number, or its decimal string for ids above 2^53 (a 64-bit id such as "18014398509481985")';

/** Why `value` is not an application id, or undefined when it is one. */
export function applicationIdProblem(value: unknown): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 1) return APPLICATION_ID_RULE;
    if (!Number.isSafeInteger(value)) return 'is above 2^53 as a number, so digits may already be lost: pass it as a decimal string';
    return undefined;
  }
  if (typeof value === 'string') {
    if (!/^[1-9][0-9]{0,19}$/.test(value)) return APPLICATION_ID_RULE;
    if (BigInt(value) > MAX_UINT64) return 'is larger than a 64-bit id can be';
    return undefined;
  }
  return APPLICATION_ID_RULE;
}

/** The id as WeChat's body takes it (validated input only). */
export function toApplicationId(value: number | string): bigint {
  return BigInt(value);
}

/**
 * An application_id from a WeChat answer (a safe number or, past 2^53, the decimal string the
 * lossless JSON parser kept) as its decimal string.
 */
export function applicationIdFromAnswer(value: unknown, api: string): string {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && /^[0-9]{1,20}$/.test(value)) return value;
  if (typeof value === 'bigint' && value >= 0n) return value.toString();
  throw new LocalError(LOCAL.BAD_UPSTREAM_RESPONSE, `${api}: the answer has no usable application_id (got ${value === undefined ? 'nothing' : typeof value})`);
}
