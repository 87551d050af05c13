import { ChainStepError, toWxOpenError, type ErrorAnswer } from '../errors';
import { countOutcomes, type FileOutcome, type OutcomeCounts } from './outcomes';

/** deployStaticSite's error answer: the failed step and the steps before it, plus every file's outcome so far. */
export interface SiteErrorAnswer extends ErrorAnswer, OutcomeCounts {
  files: FileOutcome[];
}

/** A failed step of deployStaticSite, carrying the files' outcomes so that the caller sees what is in place. */
export class SiteChainError extends ChainStepError {
  constructor(
    failure: ChainStepError,
    readonly files: readonly FileOutcome[],
  ) {
    super(failure.step, toWxOpenError(failure.cause ?? failure), failure.steps);
    this.name = 'SiteChainError';
  }

  override toAnswer(): SiteErrorAnswer {
    return { ...super.toAnswer(), files: [...this.files], ...countOutcomes(this.files) };
  }
}
