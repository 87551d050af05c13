import type { Deadline } from '../deadline';
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import { describeObservation, probeOnce, probeTargetFor, type Observation } from './hosting-probe';

export interface ServedWait {
  /** The URL WeChat will fetch (verificationFileUrl). */
  url: string;
  /** The environment whose hosting serves it (the emulator's route needs it). */
  env: string;
  /** The exact content that must be served. */
  expected: string;
  /** WXOPEN_API_BASE: decides where the URL is fetched from (hosting-probe.ts). */
  apiBase: string;
  deadline: Deadline;
  /** Time kept back for the steps after the wait (add, publish, confirm). */
  reserveMs: number;
  /** Told after each attempt that did not see the content, with the wait before the next one (undefined: no more). */
  onAttempt?: (attempt: number, seen: Observation, retryInMs: number | undefined) => void;
}

export interface ServedOutcome {
  /** False when the URL cannot be fetched from here (an ftp prefix): WeChat's own check decides. */
  checked: boolean;
  attempts: number;
  waitedMs: number;
  /** One sentence for the step's detail. */
  detail: string;
}

/** First wait between attempts; doubled each time up to MAX_DELAY_MS. */
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 2000;
/** One attempt never takes longer than this, nor starts with less than MIN_ATTEMPT_MS left. */
const MAX_ATTEMPT_MS = 3000;
const MIN_ATTEMPT_MS = 300;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** What the URL serves right now (one attempt, no waiting): for dry runs and "already in place" checks. */
export async function lookOnce(wait: Omit<ServedWait, 'reserveMs' | 'onAttempt'>): Promise<Observation | { kind: 'unchecked'; reason: string }> {
  const target = probeTargetFor(wait.url, wait.env, wait.apiBase);
  if ('unsupported' in target) return { kind: 'unchecked', reason: target.unsupported };
  return probeOnce(target.fetchUrl, wait.expected, Math.min(MAX_ATTEMPT_MS, Math.max(1, wait.deadline.remainingMs())));
}

/**
 * Looks before WeChat leaps: fetches the URL WeChat will fetch until it serves exactly the expected
 * content, with a bounded backoff (0.1 s doubling to 2 s) that stops `reserveMs` before the
 * function's deadline. Not served in time: a retryable VERIFICATION_NOT_SERVED that names the URL,
 * what it served instead (nothing, an HTTP status, other content, a redirect) and how long it was
 * watched. Only GETs: safe to run any number of times.
 */
export async function waitUntilServed(wait: ServedWait): Promise<ServedOutcome> {
  const target = probeTargetFor(wait.url, wait.env, wait.apiBase);
  if ('unsupported' in target) return { checked: false, attempts: 0, waitedMs: 0, detail: `${wait.url} not checked before adding: ${target.unsupported}` };
  const started = Date.now();
  const stopAt = started + Math.max(0, wait.deadline.remainingMs() - wait.reserveMs);
  const seen: Observation[] = [];
  let delay = FIRST_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    const left = Math.min(stopAt - Date.now(), wait.deadline.remainingMs());
    const observation = await probeOnce(target.fetchUrl, wait.expected, Math.min(MAX_ATTEMPT_MS, Math.max(MIN_ATTEMPT_MS, left)));
    if (observation.kind === 'served') {
      const waitedMs = Date.now() - started;
      return { checked: true, attempts: attempt, waitedMs, detail: `${wait.url} serves the exact content (attempt ${attempt}, after ${seconds(waitedMs)})` };
    }
    seen.push(observation);
    const canRetry = Date.now() + delay + MIN_ATTEMPT_MS <= stopAt;
    wait.onAttempt?.(attempt, observation, canRetry ? delay : undefined);
    if (!canRetry) throw notServed(wait.url, seen, Date.now() - started);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(MAX_DELAY_MS, delay * 2);
  }
}

function notServed(url: string, seen: readonly Observation[], waitedMs: number): LocalError {
  const last = seen[seen.length - 1] as Observation;
  const earlier = [...new Set(seen.slice(0, -1).map(describeObservation))].filter((text) => text !== describeObservation(last));
  const history = earlier.length === 0 ? '' : ` (before that: ${earlier.join('; ')})`;
  return new LocalError(
    LOCAL.VERIFICATION_NOT_SERVED,
    `${url} does not serve the verification file yet: it served ${describeObservation(last)} at the last of ${seen.length} attempt(s) over ${seconds(waitedMs)}${history}; qrcodejumpadd was not called`,
  );
}
