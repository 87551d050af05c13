import { describeCode, hintFor, LOCAL, type ErrorCategory } from './error-codes';
import { redact } from './redact';

/** The shape every function answers with when something went wrong. */
export interface ErrorAnswer {
  errcode: number;
  errmsg: string;
  hint: string;
  category: ErrorCategory;
  /** WeChat's request id, when WeChat answered (look it up with getRidInfo). */
  rid?: string;
  /** For input errors: the offending field, as a path such as `debug_url[2]` (the first, when several are). */
  field?: string;
  /** For input errors: every offending field with the rule it breaks, in the schema's order (`field` is the first). */
  fields?: readonly FieldProblem[];
  /** For workflow functions: the step that failed, and the steps done before it. */
  failed_step?: string;
  steps?: readonly ChainStep[];
}

/** A field of the input and the rule it breaks, e.g. `{field: 'debug_url[2]', rule: 'must not be empty'}`. */
export interface FieldProblem {
  field: string;
  rule: string;
}

/** One step of a workflow function, as its answer reports it. */
export interface ChainStep {
  step: string;
  status: 'done' | 'skipped';
  detail: string;
}

interface WxOpenErrorOptions {
  cause?: unknown;
  rid?: string;
  field?: string;
  fields?: readonly FieldProblem[];
  /** Overrides the table's hint for this one error. */
  hint?: string;
}

/**
 * Base of every error this project raises. `errcode` is stable: WeChat's own code when WeChat
 * answered, a code from the local range (990000-990999, see error-codes.ts) otherwise.
 */
export class WxOpenError extends Error {
  readonly errcode: number;
  readonly category: ErrorCategory;
  readonly hint: string;
  readonly retryable: boolean;
  /** WeChat refused the call before doing anything: retrying cannot make it happen twice. */
  readonly refusedUnexecuted: boolean;
  readonly httpStatus: number;
  readonly rid?: string;
  readonly field?: string;
  readonly fields?: readonly FieldProblem[];

  constructor(errcode: number, message: string, options: WxOpenErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const info = describeCode(errcode);
    this.name = 'WxOpenError';
    this.errcode = errcode;
    this.category = info.category;
    this.hint = options.hint ?? info.hint;
    this.retryable = info.retryable;
    this.refusedUnexecuted = info.refusedUnexecuted;
    this.httpStatus = info.httpStatus;
    if (options.rid !== undefined) this.rid = options.rid;
    if (options.field !== undefined) this.field = options.field;
    if (options.fields !== undefined) this.fields = options.fields;
  }

  toAnswer(): ErrorAnswer {
    const answer: ErrorAnswer = {
      errcode: this.errcode,
      // Messages carry text from WeChat and from thrown errors: redacted once more on the way out.
      errmsg: redact(this.message),
      hint: redact(this.hint),
      category: this.category,
    };
    if (this.rid !== undefined) answer.rid = this.rid;
    if (this.field !== undefined) answer.field = this.field;
    if (this.fields !== undefined) answer.fields = this.fields.map(({ field, rule }) => ({ field, rule: redact(rule) }));
    return answer;
  }
}

/** WeChat answered with `errcode != 0`. `message` is WeChat's errmsg, rid included. */
export class WeChatApiError extends WxOpenError {
  readonly api: string;
  constructor(api: string, errcode: number, errmsg: string) {
    const rid = /rid:\s*([0-9a-f-]+)/i.exec(errmsg)?.[1];
    super(errcode, errmsg, { hint: hintFor(errcode, api), ...(rid === undefined ? {} : { rid }) });
    this.name = 'WeChatApiError';
    this.api = api;
  }
}

/** An error raised here, before or instead of a WeChat answer. Codes from the local range. */
export class LocalError extends WxOpenError {
  constructor(errcode: number, message: string, options: WxOpenErrorOptions = {}) {
    super(errcode, message, options);
    this.name = 'LocalError';
  }
}

/**
 * A step of a workflow failed: the step's own error (code, hint and rid unchanged), with the name
 * of the step and what the workflow had done before, so that the caller knows where to pick up.
 */
export class ChainStepError extends WxOpenError {
  constructor(
    readonly step: string,
    failure: WxOpenError,
    readonly steps: readonly ChainStep[],
  ) {
    super(failure.errcode, `${step}: ${failure.message}`, {
      cause: failure,
      hint: failure.hint,
      ...(failure.rid === undefined ? {} : { rid: failure.rid }),
      ...(failure.field === undefined ? {} : { field: failure.field }),
      ...(failure.fields === undefined ? {} : { fields: failure.fields }),
    });
    this.name = 'ChainStepError';
  }

  override toAnswer(): ErrorAnswer {
    return { ...super.toAnswer(), failed_step: this.step, steps: [...this.steps] };
  }
}

/**
 * Input failed validation: every field with its rule. The message is `<field>: <rule>` for each
 * (joined with "; "), `field` names the first, `fields` lists them all, and the hint says the rules.
 */
export function invalidFields(problems: readonly FieldProblem[]): LocalError {
  const [first] = problems;
  if (first === undefined) return new LocalError(LOCAL.INVALID_INPUT, 'input: invalid');
  const rules = problems.map(({ field, rule }) => `${field} ${rule}`).join('; ');
  const hint = problems.length === 1 ? `Fix the field and call again: ${rules}.` : `Fix these ${problems.length} fields and call again: ${rules}.`;
  return new LocalError(LOCAL.INVALID_INPUT, problems.map(({ field, rule }) => `${field}: ${rule}`).join('; '), { field: first.field, fields: problems, hint });
}

/** Input failed validation: names the field and the rule. */
export function invalidInput(field: string, rule: string): LocalError {
  return invalidFields([{ field, rule }]);
}

/** Turns anything thrown into a WxOpenError without losing a typed one. */
export function toWxOpenError(error: unknown): WxOpenError {
  if (error instanceof WxOpenError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new LocalError(LOCAL.INTERNAL, `internal error: ${message}`, { cause: error });
}

