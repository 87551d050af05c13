/**
 * The local WeChat / CloudBase emulator: an HTTP server that answers like api.weixin.qq.com for
 * the endpoints wxopen-functions uses. It keeps state per account, checks tokens and their expiry,
 * answers with WeChat's error codes, and injects faults on request (see admin.ts).
 *
 * Endpoint families live in modules/ and register themselves through `route` / `raw` / `admin`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseJson, stringifyJson } from '../../shared/json';
import { DEMO_ACCOUNTS, type Account, type AccountType } from './accounts';
import { FaultQueue, type Fault } from './faults';
import { TokenRegistry, type TokenRecord } from './tokens';
import { COMMON, newRid, WeChatReplyError } from './wechat-reply';

export interface RouteContext {
  body: Record<string, unknown>;
  query: URLSearchParams;
  /** The account the token belongs to (undefined for token-less routes). */
  account: Account | undefined;
  token: TokenRecord | undefined;
  emulator: Emulator;
}

export interface RouteOptions {
  /** Which tokens the endpoint takes: an account's access token, a component token, or none. */
  token: 'access' | 'component' | 'none';
  /** Token-less endpoints (stable_token) may take a GET. */
  allowGet?: boolean;
  /** Body fields (secrets, tickets, refresh tokens) the call log keeps as "[redacted]". */
  redact?: readonly string[];
}

export type RouteHandler = (context: RouteContext) => Record<string, unknown> | Promise<Record<string, unknown>>;

/** Handles requests that are not WeChat API calls (COS uploads, static hosting). True when handled. */
export type RawHandler = (request: IncomingMessage, response: ServerResponse, url: URL, body: Buffer) => Promise<boolean>;

/** Answers one control-API call (a value or a promise of one); a thrown Error is a 400 with its message. */
export type AdminHandler = (body: Record<string, unknown>, query: URLSearchParams) => unknown;

/**
 * A check on the token of every API call, run after the registry's own (known, not revoked, the
 * kind the route takes, not expired). Throws a WeChatReplyError to refuse the call; returns true
 * when the token belongs to a holder other than an account (a third-party platform), whose tokens
 * routes then accept with `account` undefined.
 */
export type TokenCheck = (path: string, token: TokenRecord) => boolean | void;

/** One request as it crossed the wire, for tests to assert on. Token values are not kept. */
export interface CallRecord {
  at: number;
  method: string;
  path: string;
  /** Query parameter names (values of token parameters are never recorded). */
  tokenParam?: string;
  body: unknown;
  errcode?: number;
  fault?: string;
}

export interface EmulatorSettings {
  /** qrcodejump* calls allowed per second per account before 44990 (0: no limit). */
  qrcodeJumpRatePerSecond: number;
  /** Lifetime of newly issued tokens. */
  tokenTtlSeconds: number;
  /** Emulator-clock seconds a market-code application takes to reach FINISH (0: at once). */
  marketcodeFinishDelaySeconds: number;
  /**
   * How qrcodejumpadd checks the verification file of a prefix's host (WeChat fetches it and
   * answers 85069 when it cannot):
   * - 'strict': hosts the emulator serves (the hosting stand-in, its custom domains) must serve
   *   the right file; hosts registered through /__emulator/verified-hosts pass; any other host is 85069;
   * - 'served-hosts-only': only hosts the emulator serves are checked, any other host passes.
   */
  verification: VerificationMode;
  /** ms before the static hosting serves an upload or a delete (404 or the previous content until then); default 0, set by static-hosting-serve.ts */ hostingPropagationMs?: number;
}

export const VERIFICATION_MODES = ['strict', 'served-hosts-only'] as const;
export type VerificationMode = (typeof VERIFICATION_MODES)[number];

export interface EmulatorOptions {
  port?: number;
  host?: string;
  settings?: Partial<EmulatorSettings>;
  accounts?: readonly Account[];
  modules?: readonly EmulatorModule[];
}

export type EmulatorModule = (emulator: Emulator) => void;

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export class Emulator {
  readonly accounts = new Map<string, Account>();
  readonly tokens: TokenRegistry;
  readonly faults = new FaultQueue();
  readonly calls: CallRecord[] = [];
  readonly settings: EmulatorSettings;
  /** Modules that emulate hosting register here so qrcodejumpadd can check verification files. */
  readonly hostedFileResolvers: Array<(url: URL) => Promise<Buffer | null | undefined>> = [];
  private readonly routes = new Map<string, { options: RouteOptions; handler: RouteHandler }>();
  private readonly rawHandlers: RawHandler[] = [];
  private readonly adminHandlers = new Map<string, AdminHandler>();
  private readonly resetHooks: Array<() => void> = [];
  private readonly closeHooks: Array<() => void> = [];
  private readonly tokenChecks: TokenCheck[] = [];
  private clockOffsetMs = 0;
  private server: Server | undefined;
  url = '';
  port = 0;

  constructor(private readonly initialAccounts: readonly Account[], settings: Partial<EmulatorSettings> = {}) {
    this.settings = { qrcodeJumpRatePerSecond: 5, tokenTtlSeconds: 7200, marketcodeFinishDelaySeconds: 5, verification: 'strict', ...settings };
    this.tokens = new TokenRegistry(() => this.now(), this.settings.tokenTtlSeconds);
    for (const account of initialAccounts) this.accounts.set(account.appid, { ...account, linkedMiniPrograms: [...account.linkedMiniPrograms] });
  }

  /** The emulator's clock: real time plus whatever the admin API advanced it by. */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  advanceClock(seconds: number): void {
    this.clockOffsetMs += seconds * 1000;
  }

  route(path: string, options: RouteOptions, handler: RouteHandler): void {
    this.routes.set(path.replace(/^\/+/, ''), { options, handler });
  }

  raw(handler: RawHandler): void {
    this.rawHandlers.push(handler);
  }

  admin(name: string, handler: AdminHandler): void {
    this.adminHandlers.set(name, handler);
  }

  /** The API routes registered (path without the leading "/" and the token each takes). */
  routeList(): Array<{ path: string; token: RouteOptions['token'] }> {
    return [...this.routes].map(([path, { options }]) => ({ path, token: options.token }));
  }

  /** The admin endpoints registered (names under /__emulator/). */
  adminList(): string[] {
    return [...this.adminHandlers.keys()];
  }

  onReset(hook: () => void): void {
    this.resetHooks.push(hook);
  }

  /** Runs when the emulator closes (stop timers there). */
  onClose(hook: () => void): void {
    this.closeHooks.push(hook);
  }

  /** Adds a check every token-taking API call runs (see TokenCheck). */
  addTokenCheck(check: TokenCheck): void {
    this.tokenChecks.push(check);
  }

  /** Back to a fresh start: state, tokens, calls and faults cleared; accounts as first given; clock real. */
  reset(): void {
    this.tokens.clear();
    this.faults.clear();
    this.calls.length = 0;
    this.clockOffsetMs = 0;
    this.accounts.clear();
    for (const account of this.initialAccounts) this.accounts.set(account.appid, { ...account, linkedMiniPrograms: [...account.linkedMiniPrograms] });
    for (const hook of this.resetHooks) hook();
  }

  record(call: Omit<CallRecord, 'at'>): CallRecord {
    const entry = { at: this.now(), ...call };
    this.calls.push(entry);
    return entry;
  }

  /**
   * The fault queued for this call, if any, with the transport part already done: a `delay` has
   * been waited out, a `drop` has closed the connection ('dropped': send nothing). The caller
   * answers the other types its own way.
   */
  async takeFault(path: string, call: CallRecord, request: IncomingMessage): Promise<Fault | 'dropped' | undefined> {
    const fault = this.faults.take(path);
    if (fault === undefined) return undefined;
    call.fault = fault.type;
    if (fault.type === 'delay') await sleep(fault.delay_ms ?? 1000);
    if (fault.type === 'drop') {
      request.socket.destroy();
      return 'dropped';
    }
    return fault;
  }

  /** Calls to one API path (without the leading "/"), oldest first. */
  callsTo(path: string): CallRecord[] {
    return this.calls.filter((call) => call.path === path);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) {
          response.writeHead(500, { 'content-type': 'text/plain' });
          response.end(`emulator failure: ${error instanceof Error ? error.message : String(error)}`);
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, host, () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://${host}:${this.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const hook of this.closeHooks) hook();
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // Parsed against a fixed base: the Host header is the client's to get wrong ("Host: a b"), and
    // only the hosting stand-in reads it (from request.headers.host).
    const url = requestUrl(request.url);
    const body = await readBody(request);
    if (url === undefined) {
      sendJson(response, 400, { error: `malformed request target ${JSON.stringify(request.url)}` });
      return;
    }
    for (const raw of this.rawHandlers) if (await raw(request, response, url, body)) return;
    const path = url.pathname.replace(/^\/+/, '');
    if (path.startsWith('__emulator/')) return this.handleAdmin(path.slice('__emulator/'.length), url, body, response);
    const route = this.routes.get(path);
    if (route === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end(`no such API: /${path}`);
      return;
    }
    await this.handleApi(path, route, request, url, body, response);
  }

  private async handleApi(
    path: string,
    route: { options: RouteOptions; handler: RouteHandler },
    request: IncomingMessage,
    url: URL,
    raw: Buffer,
    response: ServerResponse,
  ): Promise<void> {
    const tokenParam = ['access_token', 'component_access_token', 'cloudbase_access_token'].find((name) => url.searchParams.has(name));
    const call = this.record({ method: request.method ?? 'GET', path, body: redacted(safeParse(raw), route.options.redact), ...(tokenParam === undefined ? {} : { tokenParam }) });
    const fault = await this.takeFault(path, call, request);
    if (fault === 'dropped') return;
    if (fault !== undefined) {
      if (fault.type === 'http_error') {
        response.writeHead(fault.status ?? 502, { 'content-type': 'text/html' });
        // Like some gateways, the page echoes the request line (token included): clients must redact it.
        response.end(`<html><body>${fault.status ?? 502} Bad Gateway: ${request.method ?? ''} ${request.url ?? ''}</body></html>`);
        return;
      }
      if (fault.type === 'garbage') {
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        response.end('{"errcode":0,"errmsg":"ok","rule_li');
        return;
      }
      if (fault.type === 'invalidate_token' && tokenParam !== undefined) {
        this.tokens.revoke(url.searchParams.get(tokenParam) ?? '');
      }
    }
    let answer: Record<string, unknown>;
    try {
      if (fault?.type === 'errcode') throw new WeChatReplyError(fault.errcode ?? -1, fault.errmsg ?? 'system error');
      answer = { errcode: 0, errmsg: 'ok', ...(await this.runRoute(path, route, request, url, raw)) };
    } catch (error) {
      if (!(error instanceof WeChatReplyError)) throw error;
      answer = { errcode: error.errcode, errmsg: `${error.errmsg} rid: ${newRid()}` };
    }
    call.errcode = typeof answer['errcode'] === 'number' ? answer['errcode'] : 0;
    if (fault?.type === 'drop_after') {
      request.socket.destroy();
      return;
    }
    sendJson(response, 200, answer);
  }

  private async runRoute(
    path: string,
    route: { options: RouteOptions; handler: RouteHandler },
    request: IncomingMessage,
    url: URL,
    raw: Buffer,
  ): Promise<Record<string, unknown>> {
    const { options, handler } = route;
    if (request.method !== 'POST' && !(options.allowGet === true && request.method === 'GET')) COMMON.requirePost();
    let token: TokenRecord | undefined;
    let account: Account | undefined;
    if (options.token !== 'none') {
      token = this.checkToken(url, options.token);
      account = this.accounts.get(token.appid);
      let heldElsewhere = false;
      for (const check of this.tokenChecks) if (check(path, token) === true) heldElsewhere = true;
      if (account === undefined && !heldElsewhere) COMMON.invalidToken();
    }
    let body: Record<string, unknown> = {};
    if (request.method === 'POST') {
      if (raw.length === 0) COMMON.emptyBody();
      const parsed = safeParse(raw);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) COMMON.badFormat();
      body = parsed as Record<string, unknown>;
    }
    return handler({ body, query: url.searchParams, account, token, emulator: this });
  }

  /** Component tokens may also come as ?component_access_token= (the third-party platform's own APIs). */
  private checkToken(url: URL, wanted: 'access' | 'component'): TokenRecord {
    const access = url.searchParams.get('access_token') ?? (wanted === 'component' ? url.searchParams.get('component_access_token') : null);
    const cloudbase = url.searchParams.get('cloudbase_access_token');
    const value = access ?? cloudbase;
    if (value === null || value === '') return COMMON.missingToken();
    const record = this.tokens.find(value);
    if (record === undefined || record.revoked) return COMMON.invalidToken();
    const kindOk = access !== null ? record.kind === wanted : record.kind === 'cloudbase';
    if (!kindOk) return COMMON.invalidToken();
    if (record.retiresAt !== undefined && record.retiresAt <= this.now() && record.retiresAt < record.expiresAt) return COMMON.invalidToken();
    if (record.expiresAt <= this.now()) return COMMON.expiredToken();
    return record;
  }

  private async handleAdmin(name: string, url: URL, raw: Buffer, response: ServerResponse): Promise<void> {
    const handler = this.adminHandlers.get(name);
    if (handler === undefined) {
      sendJson(response, 404, { error: `no admin endpoint ${name}`, endpoints: this.adminList() });
      return;
    }
    const parsed = raw.length === 0 ? {} : safeParse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      sendJson(response, 400, { error: 'the body must be a JSON object' });
      return;
    }
    try {
      sendJson(response, 200, (await handler(parsed as Record<string, unknown>, url.searchParams)) ?? { ok: true });
    } catch (error) {
      sendJson(response, 400, { error: error instanceof Error ? error.message : String(error) });
    }
  }
}

const URL_BASE = 'http://emulator.invalid';

function requestUrl(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', URL_BASE);
  } catch {
    return undefined;
  }
}

function safeParse(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return parseJson(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The body as the call log keeps it: the named top-level fields replaced by "[redacted]". */
function redacted(body: unknown, fields: readonly string[] | undefined): unknown {
  if (fields === undefined || typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const field of fields) if (field in copy) copy[field] = '[redacted]';
  return copy;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Bigints (64-bit ids such as application_id) are written as bare digits, as WeChat sends them. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = stringifyJson(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export type { Account, AccountType };
export { DEMO_ACCOUNTS };
