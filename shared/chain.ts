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
