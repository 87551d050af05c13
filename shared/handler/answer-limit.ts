import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';

/** What the platform passes back from one invocation; a larger answer fails it without a word. */
export const MAX_ANSWER_BYTES = 6 * 1024 * 1024;

/**
 * The answer as the JSON text the platform will send, refused with ANSWER_OVER_LIMIT when it
 * would not get through. Every success goes through here, so no function can answer past the limit.
 */
export function answerText(answer: object, fn: string): string {
  const text = JSON.stringify(answer);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_ANSWER_BYTES) {
    throw new LocalError(LOCAL.ANSWER_OVER_LIMIT, `${fn}: the answer would be ${(bytes / 1048576).toFixed(1)} MB, over the 6 MB the platform passes back from a function: ask for less in one call`);
  }
  return text;
}
