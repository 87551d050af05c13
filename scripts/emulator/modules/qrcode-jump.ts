import { linkMatchesPrefix, MAX_DEBUG_URLS, MAX_RULES, prefixProblem, SERVICE_ACCOUNT_PREFIX, verificationFileUrl } from '../../../shared/qrcode-jump/prefix-rules';
import { verificationFileOf, type Account } from '../accounts';
import type { Emulator, RouteContext } from '../server';
import { hostNameOf, isDomainName } from '../static-sites';
import { COMMON, fail } from '../wechat-reply';

export interface StoredRule {
  prefix: string;
  permit_sub_rule?: number;
  path: string;
  open_version?: number;
  debug_url?: string[];
  /** service-account rules: the Mini Program they open */
  appid?: string;
  state: 1 | 2;
}

interface AccountRules {
  rules: Map<string, StoredRule>;
  /** publish timestamps, for the 100-a-month quota */
  publishes: number[];
  /** call timestamps, for the 5-a-second limit */
  recentCalls: number[];
}

export const MONTHLY_PUBLISH_QUOTA = 100;

const ruleViews = new WeakMap<Emulator, () => Array<{ appid: string; rules: StoredRule[] }>>();

/** Read-only: copies of every account's rules, in the order added (the emulator console shows them). */
export function qrcodeRulesOf(emulator: Emulator): Array<{ appid: string; rules: StoredRule[] }> {
  return ruleViews.get(emulator)?.() ?? [];
}

/** Domains WeChat's blacklist refuses (85070); the reserved .invalid TLD stands in for it. */
const BLACKLISTED = /(^|\.)blacklisted\.invalid$/i;

/**
 * cgi-bin/wxopen/qrcodejump{download,add,get,delete,publish}: rules per account with WeChat's
 * checks (prefix syntax 85066, debug_url under the prefix 85068 and at most 5, 100 rules 85073,
 * repeated prefix 85071, owned by another account 85072, published rules not editable 40097,
 * never-released Mini Program 85074, 100 publishes a month 886000, personal accounts 85075,
 * more than 5 calls a second 44990), the verification-file check on add (85069, see
 * `settings.verification`), and service-account listings by get_type (selectServiceRules).
 */
export function qrcodeJumpModule(emulator: Emulator): void {
  const byAccount = new Map<string, AccountRules>();
  const owners = new Map<string, string>();
  /** Hosts treated as serving every account's verification file (admin verified-hosts). */
  const verifiedHosts = new Set<string>();
  emulator.onReset(() => {
    byAccount.clear();
    owners.clear();
    verifiedHosts.clear();
  });
  ruleViews.set(emulator, () => [...byAccount].map(([appid, state]) => ({ appid, rules: [...state.rules.values()].map((rule) => structuredClone(rule)) })));

  // verified-hosts {host}: that host counts as serving the right verification file (a domain the
  // developer controls outside the emulator); GET (no body) lists them.
  emulator.admin('verified-hosts', (body) => {
    if (Object.keys(body).length > 0) {
      const host = body['host'];
      if (!isDomainName(host)) throw new Error('host must be a host name such as shop.example.com');
      verifiedHosts.add(hostNameOf(host));
    }
    return { hosts: [...verifiedHosts] };
  });

  function stateOf(appid: string): AccountRules {
    let state = byAccount.get(appid);
    if (state === undefined) {
      state = { rules: new Map(), publishes: [], recentCalls: [] };
      byAccount.set(appid, state);
    }
    return state;
  }

  /** Checks shared by all five endpoints; returns the caller's account and rules. */
  function enter(context: RouteContext): { account: Account; state: AccountRules } {
    const account = context.account as Account;
    if (account.type === 'personal-miniprogram') fail(85075, 'can not access');
    const state = stateOf(account.appid);
    const limit = emulator.settings.qrcodeJumpRatePerSecond;
    if (limit > 0) {
      const now = emulator.now();
      state.recentCalls = state.recentCalls.filter((at) => now - at < 1000);
      if (state.recentCalls.length >= limit) fail(44990, 'reach max api minute limit');
      state.recentCalls.push(now);
    }
    return { account, state };
  }

  function text(body: Record<string, unknown>, name: string): string {
    const value = body[name];
    if (value === undefined || value === null || value === '') COMMON.missingParameter(name);
    if (typeof value !== 'string') COMMON.invalidArgs(`${name} must be a string`);
    return value;
  }

  /** WeChat coerces numeric strings (WxJava sends them); anything else outside the set is 40097. */
  function choice(body: Record<string, unknown>, name: string, allowed: readonly number[]): number {
    const value = body[name];
    if (value === undefined || value === null || value === '') COMMON.missingParameter(name);
    const number = typeof value === 'string' ? Number(value) : value;
    if (typeof number !== 'number' || !allowed.includes(number)) COMMON.invalidArgs(`${name} must be one of ${allowed.join(', ')}`);
    return number;
  }

  /**
   * WeChat fetches the verification file from the prefix's host: hosts the emulator serves must
   * serve the right file; registered hosts pass; any other host fails in 'strict' mode (WeChat
   * cannot fetch it) and passes in 'served-hosts-only' mode.
   */
  async function checkVerificationFile(account: Account, prefix: string): Promise<void> {
    const file = verificationFileOf(account.appid);
    const where = verificationFileUrl(prefix, file.file_name);
    if (where === undefined) return;
    const url = new URL(where);
    if (verifiedHosts.has(hostNameOf(url.hostname))) return;
    for (const resolve of emulator.hostedFileResolvers) {
      const served = await resolve(url);
      if (served === undefined) continue; // not a host this resolver serves
      if (served === null || served.toString('utf8').trim() !== file.file_content) fail(85069, 'check confirm file fail');
      return;
    }
    if (emulator.settings.verification === 'strict') fail(85069, 'check confirm file fail');
  }

  emulator.route('cgi-bin/wxopen/qrcodejumpdownload', { token: 'access' }, (context) => {
    const { account } = enter(context);
    return verificationFileOf(account.appid);
  });

  emulator.route('cgi-bin/wxopen/qrcodejumpadd', { token: 'access' }, async (context) => {
    const { account, state } = enter(context);
    const { body } = context;
    const prefix = text(body, 'prefix');
    const isEdit = choice(body, 'is_edit', [0, 1]);
    const path = text(body, 'path');
    if (prefixProblem(prefix) !== undefined) fail(85066, 'illegal prefix');
    const host = new URL(prefix).hostname;
    if (BLACKLISTED.test(host)) fail(85070, 'prefix in black list');
    let rule: StoredRule;
    if (body['appid'] !== undefined) {
      const appid = text(body, 'appid');
      if (account.type !== 'service') fail(61007, 'api is unauthorized to component');
      if (!prefix.startsWith(SERVICE_ACCOUNT_PREFIX)) fail(85066, 'illegal prefix');
      if (!account.linkedMiniPrograms.includes(appid)) COMMON.invalidArgs('the Mini Program is not linked to this service account');
      rule = { prefix, path, appid, state: 1 };
    } else {
      if (account.type === 'service') COMMON.missingParameter('appid');
      const permitSubRule = choice(body, 'permit_sub_rule', [1, 2]);
      const openVersion = choice(body, 'open_version', [1, 2, 3]);
      const debugUrl = body['debug_url'] ?? [];
      if (!Array.isArray(debugUrl) || debugUrl.some((link) => typeof link !== 'string')) COMMON.invalidArgs('debug_url must be a list of links');
      if (debugUrl.length > MAX_DEBUG_URLS) COMMON.invalidArgs(`at most ${MAX_DEBUG_URLS} debug_url`);
      if (debugUrl.some((link: string) => !linkMatchesPrefix(link, prefix))) fail(85068, 'debug url not belong to prefix');
      rule = { prefix, path, permit_sub_rule: permitSubRule, open_version: openVersion, debug_url: debugUrl as string[], state: 1 };
    }
    const owner = owners.get(prefix);
    if (owner !== undefined && owner !== account.appid) fail(85072, 'prefix owned by other');
    const existing = state.rules.get(prefix);
    if (isEdit === 0) {
      if (existing !== undefined) fail(85071, 'prefix added repeated');
      if (state.rules.size >= MAX_RULES) fail(85073, 'prefix beyond limit');
      if (rule.appid === undefined) await checkVerificationFile(account, prefix);
    } else {
      if (existing === undefined) COMMON.invalidArgs('rule not exist');
      if (existing.state === 2) COMMON.invalidArgs('published rule can not be edited');
    }
    state.rules.set(prefix, rule);
    owners.set(prefix, account.appid);
    return {};
  });

  emulator.route('cgi-bin/wxopen/qrcodejumpget', { token: 'access' }, (context) => {
    const { account, state } = enter(context);
    const { body } = context;
    const quota = { qrcodejump_open: 1, qrcodejump_pub_quota: MONTHLY_PUBLISH_QUOTA - publishesThisMonth(state, emulator.now()) };
    const rules = [...state.rules.values()];
    if (body['appid'] === undefined) {
      const extra = LISTING_FIELDS.find((name) => body[name] !== undefined);
      if (extra !== undefined) COMMON.invalidArgs(`${extra} applies to service-account rules (with appid) only`);
      const ruleList = rules
        .filter((rule) => rule.appid === undefined)
        .map((rule) => ({ prefix: rule.prefix, permit_sub_rule: rule.permit_sub_rule, path: rule.path, open_version: rule.open_version, debug_url: rule.debug_url, state: rule.state }));
      return { rule_list: ruleList, ...quota, list_size: ruleList.length };
    }
    const appid = text(body, 'appid');
    if (account.type !== 'service') fail(61007, 'api is unauthorized to component');
    // Newest first: get_type 0 is "the latest 10 000".
    const own = rules.filter((rule) => rule.appid === appid).reverse();
    const selected = selectServiceRules(body, own);
    return {
      rule_list: selected.map((rule) => ({ prefix: rule.prefix, path: rule.path, state: rule.state })),
      ...quota,
      list_size: selected.length,
      total_count: own.length,
    };
  });

  emulator.route('cgi-bin/wxopen/qrcodejumpdelete', { token: 'access' }, (context) => {
    const { account, state } = enter(context);
    const prefix = text(context.body, 'prefix');
    // Deleting a prefix that is not there leaves the same state: WeChat's exact answer is not
    // documented, so the emulator answers ok (and the function treats delete as idempotent).
    if (state.rules.delete(prefix) && owners.get(prefix) === account.appid) owners.delete(prefix);
    return {};
  });

  emulator.route('cgi-bin/wxopen/qrcodejumppublish', { token: 'access' }, (context) => {
    const { account, state } = enter(context);
    const prefix = text(context.body, 'prefix');
    const rule = state.rules.get(prefix);
    if (rule === undefined) fail(85095, 'data error, please delete and re-add');
    if (!account.released) fail(85074, 'not published');
    const now = emulator.now();
    if (publishesThisMonth(state, now) >= MONTHLY_PUBLISH_QUOTA) fail(886000, 'reach max publish limit this month');
    state.publishes.push(now);
    rule.state = 2;
    return {};
  });
}

const LISTING_FIELDS = ['get_type', 'prefix_list', 'page_num', 'page_size'] as const;
export const LATEST_RULES_LIMIT = 10_000;
export const MAX_LISTING = 200;

/** An optional whole number in [min, max]; numeric strings are taken as WeChat does. */
function wholeNumber(body: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) COMMON.invalidArgs(`${name} must be a whole number from ${min} to ${max}`);
  return number;
}

/**
 * Service-account listings (qrcodejumpget with appid): get_type 0 (default) the latest 10 000,
 * 1 the rules of prefix_list (1 to 200 prefixes), 2 page page_num (>= 1) of page_size (1 to 200).
 * A parameter of another get_type, or a missing one, is 40097.
 */
function selectServiceRules(body: Record<string, unknown>, rules: StoredRule[]): StoredRule[] {
  const getType = wholeNumber(body, 'get_type', 0, 2) ?? 0;
  const prefixList = body['prefix_list'];
  const pageNum = wholeNumber(body, 'page_num', 1, Number.MAX_SAFE_INTEGER);
  const pageSize = wholeNumber(body, 'page_size', 1, MAX_LISTING);
  if (getType !== 1 && prefixList !== undefined) COMMON.invalidArgs('prefix_list needs get_type 1');
  if (getType !== 2 && (pageNum !== undefined || pageSize !== undefined)) COMMON.invalidArgs('page_num and page_size need get_type 2');
  if (getType === 0) return rules.slice(0, LATEST_RULES_LIMIT);
  if (getType === 1) {
    if (prefixList === undefined || prefixList === null) return COMMON.invalidArgs('get_type 1 needs prefix_list');
    if (!Array.isArray(prefixList) || prefixList.length === 0 || prefixList.length > MAX_LISTING || prefixList.some((prefix) => typeof prefix !== 'string')) {
      return COMMON.invalidArgs(`prefix_list must be a list of 1 to ${MAX_LISTING} prefixes`);
    }
    const wanted = new Set(prefixList as string[]);
    return rules.filter((rule) => wanted.has(rule.prefix));
  }
  if (pageNum === undefined || pageSize === undefined) return COMMON.invalidArgs('get_type 2 needs page_num and page_size');
  return rules.slice((pageNum - 1) * pageSize, pageNum * pageSize);
}

function publishesThisMonth(state: AccountRules, now: number): number {
  const month = new Date(now).toISOString().slice(0, 7);
  return state.publishes.filter((at) => new Date(at).toISOString().slice(0, 7) === month).length;
}
