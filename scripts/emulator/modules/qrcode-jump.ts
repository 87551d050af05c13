import { linkMatchesPrefix, MAX_DEBUG_URLS, MAX_RULES, prefixProblem, SERVICE_ACCOUNT_PREFIX, verificationFileUrl } from '../../../shared/qrcode-jump/prefix-rules';
import { verificationFileOf, type Account } from '../accounts';
import type { Emulator, RouteContext } from '../server';
import { COMMON, fail } from '../wechat-reply';

interface StoredRule {
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
/** Domains WeChat's blacklist refuses (85070); the reserved .invalid TLD stands in for it. */
const BLACKLISTED = /(^|\.)blacklisted\.invalid$/i;

/**
 * cgi-bin/wxopen/qrcodejump{download,add,get,delete,publish}: rules per account with WeChat's
 * checks (prefix syntax 85066, debug_url under the prefix 85068 and at most 5, 100 rules 85073,
 * repeated prefix 85071, owned by another account 85072, published rules not editable 40097,
 * never-released Mini Program 85074, 100 publishes a month 886000, personal accounts 85075,
 * more than 5 calls a second 44990), and the verification-file check on add when the prefix's
 * host is one the emulator serves (85069).
 */
export function qrcodeJumpModule(emulator: Emulator): void {
  const byAccount = new Map<string, AccountRules>();
  const owners = new Map<string, string>();
  emulator.onReset(() => {
    byAccount.clear();
    owners.clear();
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

  async function checkVerificationFile(account: Account, prefix: string): Promise<void> {
    const file = verificationFileOf(account.appid);
    const where = verificationFileUrl(prefix, file.file_name);
    if (where === undefined) return;
    for (const resolve of emulator.hostedFileResolvers) {
      const served = await resolve(new URL(where));
      if (served === undefined) continue; // not a host this resolver serves
      if (served === null || served.toString('utf8').trim() !== file.file_content) fail(85069, 'check confirm file fail');
      return;
    }
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
    const rules = [...state.rules.values()];
    const appid = context.body['appid'];
    const selected = appid === undefined ? rules.filter((rule) => rule.appid === undefined) : rules.filter((rule) => rule.appid === appid);
    const ruleList = selected.map((rule) =>
      rule.appid === undefined
        ? { prefix: rule.prefix, permit_sub_rule: rule.permit_sub_rule, path: rule.path, open_version: rule.open_version, debug_url: rule.debug_url, state: rule.state }
        : { prefix: rule.prefix, path: rule.path, state: rule.state },
    );
    return {
      rule_list: ruleList,
      qrcodejump_open: 1,
      list_size: ruleList.length,
      qrcodejump_pub_quota: MONTHLY_PUBLISH_QUOTA - publishesThisMonth(state, emulator.now()),
      ...(appid === undefined ? {} : { total_count: ruleList.length }),
      ...(account.type === 'service' ? {} : {}),
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

function publishesThisMonth(state: AccountRules, now: number): number {
  const month = new Date(now).toISOString().slice(0, 7);
  return state.publishes.filter((at) => new Date(at).toISOString().slice(0, 7) === month).length;
}
