import { log } from '../log';
import { redact } from '../redact';

/**
 * Live progress of a workflow function, as each step, file or wait finishes: what a person
 * waiting on `npm run invoke`, `npm start` or `npm run site` is shown while the call runs (the
 * answer's `steps` only arrive once it has returned).
 * - step: a step of the chain finished (done / skipped) or failed;
 * - file: one file of a site reached its outcome (`done` of `total` files so far);
 * - wait: the chain is waiting on something outside (the hosting serving a file) and says so at
 *   each attempt, so that a long call shows it is alive.
 * Never carries a secret: keys, outcomes and sentences already written for the answer.
 */
export type ProgressEvent =
  | { kind: 'step'; workflow: string; step: string; status: 'done' | 'skipped' | 'failed'; detail: string }
  | { kind: 'file'; workflow: string; key: string; outcome: string; done: number; total: number; detail?: string }
  | { kind: 'wait'; workflow: string; step: string; attempt: number; detail: string };

/**
 * Where a host that runs bundles in its own process (invoke, the gateway, npm run site) receives
 * the events: a function `(event: ProgressEvent) => void` stored on globalThis under this symbol.
 * Symbol.for() makes it the same key in every bundle and module instance of the process.
 */
export const PROGRESS_SINK = Symbol.for('wxopen.progress');

export type ProgressSink = (event: ProgressEvent) => void;

function installedSink(): ProgressSink | undefined {
  const sink = (globalThis as Record<symbol, unknown>)[PROGRESS_SINK];
  return typeof sink === 'function' ? (sink as ProgressSink) : undefined;
}

/**
 * Reports one event: to the host's sink when one is installed (and only there), otherwise as one
 * log line `{"level":"info","message":"progress","kind":…}` (what `tcb fn log` and a host reading
 * the function's output see). A sink that throws is ignored: progress never fails a call.
 */
export function emitProgress(event: ProgressEvent): void {
  const sink = installedSink();
  if (sink === undefined) {
    log('info', 'progress', { ...event });
    return;
  }
  // Details quote error messages: redacted as every printed text is (log() does it for the line).
  const clean = Object.fromEntries(Object.entries(event).map(([key, value]) => [key, typeof value === 'string' ? redact(value) : value])) as ProgressEvent;
  try {
    sink(clean);
  } catch {
    // The host's display failed; the workflow goes on.
  }
}
