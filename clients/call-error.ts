/**
 * The error the typed clients throw when a function answers an error: the answer itself
 * (`errcode`, `errmsg`, `hint`, `category`, `field`, `fields`, ...) and, over HTTP, the status.
 * No Node or browser API: the Mini Program client uses it too.
 */
import type { ErrorAnswer, FunctionName } from './function-types';

export class FunctionCallError extends Error {
  readonly errcode: number;
  readonly category: ErrorAnswer['category'];
  readonly hint: string;

  constructor(
    /** The function called. */
    readonly functionName: FunctionName,
    /** The error answer as the function gave it. */
    readonly answer: ErrorAnswer,
    /** The HTTP status (HTTP calls only). */
    readonly status?: number,
  ) {
    super(`${functionName}: ${answer.errcode} ${answer.errmsg}`);
    this.name = 'FunctionCallError';
    this.errcode = answer.errcode;
    this.category = answer.category;
    this.hint = answer.hint;
  }
}

/** The reply was not an answer at all (not JSON, or no numeric errcode): a proxy page, a wrong URL. */
export class UnexpectedReplyError extends Error {
  constructor(
    readonly functionName: FunctionName,
    readonly status: number,
    /** The start of the reply's text. */
    readonly text: string,
  ) {
    super(`${functionName}: HTTP ${status} is not a function answer: ${text.slice(0, 200)}`);
    this.name = 'UnexpectedReplyError';
  }
}
