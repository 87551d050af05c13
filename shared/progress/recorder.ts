import { StepRecorder, type StepOutcome } from '../chain';
import { toWxOpenError } from '../errors';
import { emitProgress } from './events';

/** A StepRecorder that also reports each step live (emitProgress) as it finishes or fails. */
export class ProgressRecorder extends StepRecorder {
  constructor(private readonly name: string) {
    super(name);
  }

  override async run<T>(step: string, work: () => Promise<StepOutcome<T>>): Promise<T> {
    try {
      const value = await super.run(step, work);
      const recorded = this.steps[this.steps.length - 1];
      if (recorded !== undefined) emitProgress({ kind: 'step', workflow: this.name, step, status: recorded.status, detail: recorded.detail });
      return value;
    } catch (error) {
      const failure = toWxOpenError(error);
      emitProgress({ kind: 'step', workflow: this.name, step, status: 'failed', detail: `${failure.errcode}: ${failure.message}` });
      throw error;
    }
  }
}
