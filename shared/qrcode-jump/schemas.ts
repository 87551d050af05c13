import * as v from 'valibot';
import { envId } from '../tcb/schemas';
import { linkMatchesPrefix, MAX_DEBUG_URLS, prefixProblem, SERVICE_ACCOUNT_PREFIX } from './prefix-rules';

const appid = v.pipe(v.string('must be a string'), v.regex(/^wx[0-9a-f]{16}$/i, 'must be an appid such as wx1234567890abcdef'));

export const prefix = v.pipe(
  v.string('must be a string'),
  v.nonEmpty('must not be empty'),
  v.check((value) => prefixProblem(value) === undefined, (issue) => prefixProblem(String(issue.input)) ?? 'invalid prefix'),
);

const pagePath = v.pipe(
  v.string('must be a string'),
  v.nonEmpty('must not be empty'),
  v.maxLength(1024, 'at most 1024 characters'),
  v.regex(/^[^\s]+$/, 'must not contain spaces'),
  v.check((value) => !value.startsWith('/'), 'must be a page path without a leading "/", e.g. pages/index/index'),
);

const isEdit = v.picklist([0, 1], 'must be 0 (add a rule) or 1 (modify an unpublished rule)');

const permitSubRule = v.picklist([1, 2], 'must be 1 (do not occupy sub-rules) or 2 (occupy all sub-rules)');
const openVersion = v.picklist([1, 2, 3], 'must be 1 (develop), 2 (trial) or 3 (release)');
/**
 * Messages with a number in them are constants of their own: a template literal in a schema's
 * arguments keeps esbuild from dropping the schema from bundles that do not use it
 * (scripts/pure-schemas.ts). So does an object spread, which is why the rules share their fields
 * through ordinaryRuleWith (a helper marked free of side effects) rather than a spread object.
 */
const DEBUG_URLS_RULE = `at most ${MAX_DEBUG_URLS} test links`;
const SERVICE_ACCOUNT_PREFIX_RULE = `must start with ${SERVICE_ACCOUNT_PREFIX} for service-account rules`;
const debugUrls = v.optional(
  v.pipe(
    v.array(v.pipe(v.string('must be a string'), v.nonEmpty('must not be empty')), 'must be an array of links'),
    v.maxLength(MAX_DEBUG_URLS, DEBUG_URLS_RULE),
  ),
);

type WithDebugUrls = { prefix: string; debug_url?: string[] | undefined };

/** Names the first test link that does not fall under the prefix, as `debug_url[i]`. */
function checkDebugUrls<T extends WithDebugUrls>({ dataset, addIssue }: v.RawCheckContext<T>): void {
  if (!dataset.typed) return;
  const rule = dataset.value;
  const links = rule.debug_url ?? [];
  const bad = links.findIndex((link) => !linkMatchesPrefix(link, rule.prefix));
  if (bad < 0) return;
  addIssue({
    message: 'must fall under the prefix (same scheme, host and path; below it only when the prefix ends with "/")',
    path: [
      { type: 'object', origin: 'value', input: rule, key: 'debug_url', value: links },
      { type: 'array', origin: 'value', input: links, key: bad, value: links[bad] },
    ],
  });
}

/** An ordinary-link rule's fields and `extra` after them, with its test links checked against its prefix. */
/* @__NO_SIDE_EFFECTS__ */
function ordinaryRuleWith<E extends v.ObjectEntries>(extra: E) {
  return v.pipe(
    v.strictObject({ prefix, permit_sub_rule: permitSubRule, path: pagePath, open_version: openVersion, debug_url: debugUrls, ...extra }),
    // The output has prefix and debug_url as typed above; TypeScript cannot see it through the generic `extra`.
    v.rawCheck((context) => checkDebugUrls(context as unknown as v.RawCheckContext<WithDebugUrls>)),
  );
}

/** Rule of "scan an ordinary link QR code to open the Mini Program". */
export const ordinaryRule = ordinaryRuleWith({ is_edit: isEdit });

const publish = v.optional(v.boolean('must be true or false'), false);
const dryRun = v.optional(v.boolean('must be true or false (true: only read, and answer what each step would do)'), false);

/**
 * setupQRCodeJump: an ordinary-link rule (without is_edit: the chain decides add or edit), the
 * CloudBase environment whose static hosting serves the verification file, whether to publish,
 * and `dry_run` (read only; answer what each step would do).
 */
export const setupInput = ordinaryRuleWith({ env: envId, publish, dry_run: dryRun });

/** deployStaticSite's `qrcode_rule`: the rule fields setupQRCodeJump takes, and `publish`. */
export const qrcodeRuleInput = ordinaryRuleWith({ publish });

/** `dry_run` as both workflow functions take it. */
export const dryRunInput = dryRun;

/** Rule of "scan a service-account QR code to open the Mini Program": the prefix is a weixin.qq.com/q/ link. */
export const serviceAccountRule = v.strictObject({
  prefix: v.pipe(prefix, v.startsWith(SERVICE_ACCOUNT_PREFIX, SERVICE_ACCOUNT_PREFIX_RULE)),
  appid,
  path: pagePath,
  is_edit: isEdit,
});

function hasAppid(input: unknown): boolean {
  return typeof input === 'object' && input !== null && 'appid' in input;
}

/** addJumpQRCode: the service-account variant when `appid` is given, the ordinary one otherwise. */
export const jumpRuleInput = v.lazy((input) => (hasAppid(input) ? serviceAccountRule : ordinaryRule));

export const getRulesInput = v.strictObject({
  appid: v.optional(appid),
  get_type: v.optional(v.picklist([0, 1, 2], 'must be 0 (latest 10000), 1 (by prefix_list) or 2 (by page)')),
  prefix_list: v.optional(v.pipe(v.array(prefix, 'must be an array of prefixes'), v.maxLength(200, 'at most 200 prefixes'))),
  page_num: v.optional(v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be 1 or more'))),
  page_size: v.optional(v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be 1 or more'), v.maxValue(200, 'must be 200 or less'))),
});

export const prefixInput = v.strictObject({ prefix, appid: v.optional(appid) });

export const publishInput = v.strictObject({ prefix });

export const downloadInput = v.strictObject({
  /** Optional: the rule prefix the file is for; the answer then says where to serve the file. */
  prefix: v.optional(prefix),
});
