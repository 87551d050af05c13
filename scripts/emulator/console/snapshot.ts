/**
 * What the emulator console shows, as one JSON snapshot read from the emulator's state (read
 * only): accounts and their environments, third-party platforms and their merchants'
 * authorizations, QR-code rules, hosting and storage files, market-code applications, the tokens
 * issued and how often, the fault queue, and the latest calls. No secret leaves here: token values,
 * app secrets, refresh tokens, tickets, codes and keys are left out, and each call's body is
 * redacted (named fields hidden, then shared/redact over the text).
 */
import { redact } from '../../../shared/redact';
import { cloudOf } from '../cloud-envs';
import { qrcodeRulesOf } from '../modules/qrcode-jump';
import { marketCodeStateOf } from '../modules/marketcode';
import { platformsOf } from '../platforms';
import type { Emulator } from '../server';
import { hostingCustomDomainsOf, hostingDomainOf, staticSitesOf } from '../static-sites';

/** The latest calls the snapshot carries (the emulator keeps them all; the page needs the recent ones). */
export const RECENT_CALLS = 200;
const MAX_BODY_CHARS = 400;

/** Body fields whose values are secrets (or one-time credentials) wherever they appear. */
const SECRET_KEY = /secret|token|ticket|password|signature|authorization|aes_?key|marketcode_key|^key$|auth_code|pre_auth_code|refresh/i;

function hideSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 20).map((item) => hideSecrets(item, depth + 1));
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) ? '[hidden]' : hideSecrets(inner, depth + 1)]));
}

/** A call's body as the console shows it: secrets hidden, then redacted, at most 400 characters. */
export function shownBody(body: unknown): string {
  if (body === undefined) return '';
  const text = redact(JSON.stringify(hideSecrets(body)) ?? '');
  return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}…` : text;
}

function iso(ms: number | undefined): string | null {
  return ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
}

function accounts(emulator: Emulator): unknown[] {
  const envs = [...cloudOf(emulator).envs.values()];
  return [...emulator.accounts.values()].map((account) => ({
    appid: account.appid,
    type: account.type,
    released: account.released,
    linked_mini_programs: [...account.linkedMiniPrograms],
    market_codes: account.marketcodeKey !== undefined,
    envs: envs.filter((env) => env.appid === account.appid).map((env) => env.envId),
  }));
}

function platforms(emulator: Emulator): unknown[] {
  return platformsOf(emulator)
    .list()
    .map((platform) => ({
      component_appid: platform.componentAppId,
      name: platform.name,
      push_url: platform.pushUrl ?? null,
      push_interval_seconds: platform.pushIntervalSeconds,
      tickets_pushed: platform.tickets.length,
      last_ticket_at: iso(platform.tickets[platform.tickets.length - 1]?.issuedAt),
      authorizations: [...platform.authorizations.values()].map((authorization) => ({
        authorizer_appid: authorization.authorizerAppId,
        permission_sets: [...authorization.permissionSets],
        auth_time: iso(authorization.authTime),
      })),
    }));
}

function qrRules(emulator: Emulator): unknown[] {
  return qrcodeRulesOf(emulator).map(({ appid, rules }) => ({ appid, rules }));
}

function hosting(emulator: Emulator): unknown[] {
  const sites = staticSitesOf(emulator);
  const custom = [...hostingCustomDomainsOf(emulator)];
  return [...cloudOf(emulator).envs.values()].map((env) => ({
    env: env.envId,
    domain: hostingDomainOf(env),
    custom_domains: custom.filter(([, envId]) => envId === env.envId).map(([domain]) => domain),
    files: sites.keys(env.envId).map((path) => {
      const file = sites.get(env.envId, path);
      return { path, size: file?.bytes.length ?? 0, content_type: file?.contentType ?? '', md5: file?.md5 ?? '', last_modified: iso(file?.lastModified) };
    }),
  }));
}

function storage(emulator: Emulator): unknown[] {
  const cloud = cloudOf(emulator);
  return [...cloud.envs.values()].map((env) => ({
    env: env.envId,
    files: cloud.storage.list(env.envId).map((path) => {
      const object = cloud.storage.get(env.envId, path);
      return { path, size: object?.bytes.length ?? 0, content_type: object?.contentType ?? '', uploaded_at: iso(object?.uploadedAt) };
    }),
  }));
}

function marketCodes(emulator: Emulator): unknown[] {
  const state = marketCodeStateOf(emulator);
  return [...state.applications.values()].map((application) => ({
    application_id: application.applicationId.toString(),
    appid: application.appid,
    isv_application_id: application.isvApplicationId,
    code_count: application.codeCount,
    status: state.statusOf(application),
    segments: state.segmentsOf(application).length,
    activated_ranges: application.activations.length,
    created_at: iso(application.createdAt),
  }));
}

/** Tokens per holder and kind (how many issued, how many still good), and the token endpoints' call counts. */
function tokens(emulator: Emulator): unknown {
  const now = emulator.now();
  const groups = new Map<string, { holder: string; kind: string; platform: string | null; issued: number; valid: number; last_issued_at: number }>();
  for (const record of emulator.tokens.list()) {
    const key = `${record.appid} ${record.kind} ${record.component ?? ''}`;
    const group = groups.get(key) ?? { holder: record.appid, kind: record.component === undefined ? record.kind : 'authorizer', platform: record.component ?? null, issued: 0, valid: 0, last_issued_at: 0 };
    group.issued++;
    const retired = record.retiresAt !== undefined && record.retiresAt <= now;
    if (!record.revoked && !retired && record.expiresAt > now) group.valid++;
    group.last_issued_at = Math.max(group.last_issued_at, record.issuedAt);
    groups.set(key, group);
  }
  const fetches = new Map<string, number>();
  for (const call of emulator.calls) if (/(^cgi-bin\/stable_token$|^cgi-bin\/token$|_token$)/.test(call.path)) fetches.set(call.path, (fetches.get(call.path) ?? 0) + 1);
  return {
    issued: [...groups.values()].map((group) => ({ ...group, last_issued_at: iso(group.last_issued_at) })),
    fetches: [...fetches].map(([path, count]) => ({ path, count })),
  };
}

function calls(emulator: Emulator): unknown {
  const first = Math.max(0, emulator.calls.length - RECENT_CALLS);
  return {
    total: emulator.calls.length,
    recent: emulator.calls.slice(first).map((call, offset) => ({
      index: first + offset,
      at: iso(call.at),
      method: call.method,
      path: call.path,
      token_param: call.tokenParam ?? null,
      errcode: call.errcode ?? null,
      fault: call.fault ?? null,
      body: shownBody(call.body),
    })),
  };
}

/** The whole snapshot (GET /__emulator/console). */
export function consoleSnapshot(emulator: Emulator): Record<string, unknown> {
  return {
    now: iso(emulator.now()),
    settings: { ...emulator.settings },
    accounts: accounts(emulator),
    platforms: platforms(emulator),
    qr_rules: qrRules(emulator),
    hosting: hosting(emulator),
    storage: storage(emulator),
    market_codes: marketCodes(emulator),
    tokens: tokens(emulator),
    faults: emulator.faults.list(),
    routes: emulator.routeList().map((route) => route.path).sort(),
    calls: calls(emulator),
  };
}
