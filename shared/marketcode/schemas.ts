/**
 * Input schemas of the market-code (一物一码) functions, in WeChat's field names
 * (notes/wechat-api.md section 2). Strict: an unknown field is refused, not ignored.
 */
import * as v from 'valibot';
import { envId, LINK_AGE_RULE, MAX_LINK_AGE_SECONDS } from '../tcb/schemas';
import { APPLICATION_ID_RULE, applicationIdProblem, toApplicationId } from './application-id';

/** WeChat's code_count rule for applycode. */
export const MIN_CODE_COUNT = 10_000;
export const MAX_CODE_COUNT = 20_000_000;
export const CODE_COUNT_STEP = 10_000;
export const MAX_ISV_APPLICATION_ID_LENGTH = 128;

/*
 * Messages and bounds computed from numbers are constants, and the helpers that build schemas are
 * marked free of side effects: a template literal, arithmetic, a property read or a call esbuild
 * cannot see through, in a schema's arguments, keeps esbuild from dropping that schema from the
 * bundles that do not use it (scripts/pure-schemas.ts).
 */
const MAX_CODE_POSITION = MAX_CODE_COUNT - 1;
const POSITION_RULE = `must be below ${MAX_CODE_COUNT} (the largest application)`;
const ISV_APPLICATION_ID_LENGTH_RULE = `at most ${MAX_ISV_APPLICATION_ID_LENGTH} characters`;
const CODE_COUNT_MIN_RULE = `must be at least ${MIN_CODE_COUNT}`;
const CODE_COUNT_MAX_RULE = `must be at most ${MAX_CODE_COUNT}`;
const CODE_COUNT_STEP_RULE = `must be a multiple of ${CODE_COUNT_STEP}`;

/** Accepts a safe number or a decimal string; gives a bigint (see application-id.ts). */
export const applicationId = v.pipe(
  v.union([v.number(), v.string()], APPLICATION_ID_RULE),
  v.check((value) => applicationIdProblem(value) === undefined, (issue) => applicationIdProblem(issue.input) ?? APPLICATION_ID_RULE),
  v.transform(toApplicationId),
);

/** A position inside an application: 0 .. code_count - 1. */
const codePosition = v.pipe(
  v.number('must be a number'),
  v.integer('must be a whole number'),
  v.minValue(0, 'must be 0 or more'),
  v.maxValue(MAX_CODE_POSITION, POSITION_RULE),
);

const isvApplicationId = v.pipe(
  v.string('must be a string'),
  v.nonEmpty('must not be empty'),
  v.maxLength(MAX_ISV_APPLICATION_ID_LENGTH, ISV_APPLICATION_ID_LENGTH_RULE),
  // eslint-disable-next-line no-control-regex
  v.regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters'),
);

/* @__NO_SIDE_EFFECTS__ */
function text(max: number) {
  return v.pipe(v.string('must be a string'), v.nonEmpty('must not be empty'), v.maxLength(max, `at most ${max} characters`));
}

/** code_start and code_end are both inclusive; code_end may not come before code_start. */
/* @__NO_SIDE_EFFECTS__ */
function rangeChecked<T extends { code_start: number; code_end: number }>(schema: v.GenericSchema<unknown, T>) {
  return v.pipe(
    schema,
    v.forward(
      v.check((range: T) => range.code_end >= range.code_start, 'must not be less than code_start (both ends are inclusive)'),
      ['code_end'] as never,
    ),
  );
}

export const applyCodeInput = v.strictObject({
  code_count: v.pipe(
    v.number('must be a number'),
    v.integer('must be a whole number'),
    v.minValue(MIN_CODE_COUNT, CODE_COUNT_MIN_RULE),
    v.maxValue(MAX_CODE_COUNT, CODE_COUNT_MAX_RULE),
    v.multipleOf(CODE_COUNT_STEP, CODE_COUNT_STEP_RULE),
  ),
  /** WeChat's idempotency key: the same value always names the same application. */
  isv_application_id: isvApplicationId,
});

export const applyCodeQueryInput = v.pipe(
  v.strictObject({
    application_id: v.optional(applicationId),
    isv_application_id: v.optional(isvApplicationId),
  }),
  v.forward(
    v.check(
      (query) => (query.application_id === undefined) !== (query.isv_application_id === undefined),
      'give exactly one of application_id and isv_application_id',
    ),
    ['application_id'],
  ),
);

export const downloadInput = rangeChecked(
  v.strictObject({
    application_id: applicationId,
    code_start: codePosition,
    code_end: codePosition,
    /** What the answer carries: the plaintext, its lines, or both (default). */
    output: v.optional(v.picklist(['both', 'text', 'lines'], 'must be "both", "text" or "lines"'), 'both'),
  }),
);

export const codeActiveInput = rangeChecked(
  v.strictObject({
    application_id: applicationId,
    activity_name: text(256),
    product_brand: text(256),
    product_title: text(256),
    /** The product's barcode (EAN); WeChat documents it as a string. */
    product_code: text(64),
    wxa_appid: v.pipe(v.string('must be a string'), v.regex(/^wx[0-9a-f]{16}$/i, 'must be a Mini Program appid such as wx1234567890abcdef')),
    wxa_path: v.pipe(text(1024), v.regex(/^\S+$/, 'must not contain spaces')),
    wxa_type: v.optional(v.picklist([0, 1, 2], 'must be 0 (release, the default), 1 (develop) or 2 (trial)')),
    code_start: codePosition,
    code_end: codePosition,
  }),
);

const byIndex = v.strictObject({ application_id: applicationId, code_index: codePosition });
const byCode = v.strictObject({
  code: v.pipe(v.string('must be a string'), v.regex(/^[0-9A-Za-z]{9}$/, 'must be the 9-character code (letters and digits)')),
});
const byCodeUrl = v.strictObject({
  code_url: v.pipe(v.string('must be a string'), v.regex(/^\S{1,256}$/, 'must be the code string such as P.URL.CN/0U.JYJXP3HJI2C98A9O (no spaces)')),
});

function has(input: unknown, key: string): boolean {
  return typeof input === 'object' && input !== null && key in input;
}

/** codeactivequery takes one of: application_id + code_index, code, or code_url. */
export const codeActiveQueryInput = v.lazy((input) => (has(input, 'code') ? byCode : has(input, 'code_url') ? byCodeUrl : byIndex));

export const ticketToCodeInput = v.strictObject({
  openid: v.pipe(text(128), v.regex(/^[0-9A-Za-z_-]+$/, 'must be an OPENID (letters, digits, "-" and "_")')),
  code_ticket: v.pipe(text(1024), v.regex(/^\S+$/, 'must not contain spaces')),
});

export const DEFAULT_LINK_AGE_SECONDS = 7_200;

export const exportInput = v.strictObject({
  application_id: applicationId,
  env: envId,
  max_age: v.optional(
    v.pipe(
      v.number('must be a number'),
      v.integer('must be a whole number'),
      v.minValue(1, 'must be at least 1 second'),
      v.maxValue(MAX_LINK_AGE_SECONDS, LINK_AGE_RULE),
    ),
    DEFAULT_LINK_AGE_SECONDS,
  ),
});
