import { PROGRESS_SINK, type ProgressEvent, type ProgressSink } from '../../shared/progress/events';

/** One progress event as a line for a person: the same `step status: detail` form a chain's answer lists. */
export function progressLine(event: ProgressEvent): string {
  switch (event.kind) {
    case 'step':
      return `${event.step} ${event.status}: ${event.detail}`;
    case 'file':
      return `file ${event.key} ${event.outcome} (${event.done}/${event.total})${event.detail === undefined ? '' : `: ${event.detail}`}`;
    case 'wait':
      return `… ${event.step}, attempt ${event.attempt}: ${event.detail}`;
  }
}

/**
 * Runs `work` with a progress sink installed for the bundles this process runs (invoke, the
 * gateway under npm start): each step, file and wait of a workflow is shown as it happens. The
 * previous sink (if any) is put back afterwards.
 */
export async function withLiveProgress<T>(show: (event: ProgressEvent) => void, work: () => Promise<T>): Promise<T> {
  const slot = globalThis as Record<symbol, unknown>;
  const previous = slot[PROGRESS_SINK];
  const sink: ProgressSink = (event) => show(event);
  slot[PROGRESS_SINK] = sink;
  try {
    return await work();
  } finally {
    if (previous === undefined) delete slot[PROGRESS_SINK];
    else slot[PROGRESS_SINK] = previous;
  }
}
