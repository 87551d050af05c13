import { ChainStepError, toWxOpenError, type ChainStep } from './errors';
import { log } from './log';

export interface StepOutcome<T> {
  value: T;
  status: ChainStep['status'];
  detail: string;
}

/**
 * The steps of a workflow function, in order. Each step records what it did; a failing step
 * becomes a ChainStepError that carries its name and every step done before it.
 */
export class StepRecorder {
  readonly steps: ChainStep[] = [];

  constructor(private readonly workflow: string) {}

  async run<T>(name: string, work: () => Promise<StepOutcome<T>>): Promise<T> {
    try {
      const outcome = await work();
      this.steps.push({ step: name, status: outcome.status, detail: outcome.detail });
      log('info', `${this.workflow}: ${name} ${outcome.status}`, { detail: outcome.detail });
      return outcome.value;
    } catch (error) {
      throw new ChainStepError(name, toWxOpenError(error), this.steps);
    }
  }
}

/**
 * Starts a read now for a step that awaits it later: a workflow's independent reads go out together
 * (each one a round trip to WeChat saved), and their steps are still recorded in order. Reads only:
 * nothing that changes state is started before the steps ahead of it have succeeded. A failure
 * surfaces when its step awaits it; until then the rejection is held, not unhandled.
 */
export function startRead<T>(read: () => Promise<T>): Promise<T> {
  const pending = read();
  pending.catch(() => undefined);
  return pending;
}
