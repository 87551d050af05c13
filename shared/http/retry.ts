import { Deadline } from '../deadline';
import { WxOpenError, toWxOpenError } from '../errors';
import { log } from '../log';
import { NetworkError } from './request-json';

export interface RetryPolicy {
  /**
   * True when repeating the call cannot change the outcome (reads, edits to a known state).
   * A non-idempotent call is retried only when the request certainly never reached WeChat.
   */
  idempotent: boolean;
  deadline: Deadline;
  /** Name for the log lines. */
  api: string;
  /** Attempts after the first; default 3. */
  retries?: number;
  /** First backoff; doubled each time, with jitter; default 200 ms. */
  minDelayMs?: number;
}

/** The shortest request worth starting: no retry is begun with less time left than this. */
const MIN_USEFUL_MS = 300;
const MAX_DELAY_MS = 2000;

export function mayRetry(error: WxOpenError, idempotent: boolean): boolean {
  if (!error.retryable) return false;
  if (error instanceof NetworkError && !error.sent) return true;
  return idempotent || error.refusedUnexecuted;
}

/**
 * Retries busy answers (-1, 886001, CloudBase busy codes), rate limits that say so, and network
 * failures, with jittered exponential backoff, never past the deadline.
 *
 * Most calls succeed at once, so the first attempt runs on its own; p-retry's machinery (an
 * operation object, its schedule, a promise around it) is set up only after a failure, and is
 * handed that failure as its own first attempt: the schedule, the checks and the log lines are
 * the same as if it had run the first attempt itself, and nothing is sent twice.
 */
export async function withRetry<T>(attempt: (attemptNumber: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  let firstFailure: WxOpenError;
  try {
    return await attempt(1);
  } catch (error) {
    firstFailure = toWxOpenError(error);
  }
  if (!mayRetry(firstFailure, policy.idempotent)) throw firstFailure;
  const minTimeout = policy.minDelayMs ?? 200;
  let pending: WxOpenError | undefined = firstFailure;
  try {
    // Loaded on the first failure only: in the built functions a file of its own beside the bundle (scripts/build.ts, SIDE_FILES).
    const { default: pRetry } = await import('p-retry');
    return await pRetry(
      async (attemptNumber) => {
        if (pending !== undefined) {
          const failure = pending;
          pending = undefined;
          throw failure;
        }
        try {
          return await attempt(attemptNumber);
        } catch (error) {
          throw toWxOpenError(error);
        }
      },
      {
        retries: policy.retries ?? 3,
        factor: 2,
        minTimeout,
        maxTimeout: MAX_DELAY_MS,
        randomize: true,
        shouldRetry: (error) => {
          const typed = toWxOpenError(error);
          if (!mayRetry(typed, policy.idempotent)) return false;
          // The next wait is at most minTimeout * 2 (jitter) * 2^(attempt-1), capped at maxTimeout:
          // retry only when that wait plus a useful request still fits in the budget.
          const worstWait = Math.min(MAX_DELAY_MS, minTimeout * 2 * 2 ** (error.attemptNumber - 1));
          return policy.deadline.remainingMs() > worstWait + MIN_USEFUL_MS;
        },
        onFailedAttempt: (error) => {
          const typed = toWxOpenError(error);
          if (error.retriesLeft > 0 && mayRetry(typed, policy.idempotent)) {
            log('warn', 'retrying WeChat call', {
              api: policy.api,
              errcode: typed.errcode,
              attempt: error.attemptNumber,
              remainingMs: policy.deadline.remainingMs(),
            });
          }
        },
      },
    );
  } catch (error) {
    throw toWxOpenError(error);
  }
}
