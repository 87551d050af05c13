import { LocalError } from './errors';
import { LOCAL } from './error-codes';

/**
 * The configuration contract. Every name here is read from the environment (envVariables in
 * cloudbaserc.json). Never WX_* names: the TCB runtime sets those per call.
 */
export interface Config {
  /** WXOPEN_API_BASE: where WeChat's API lives; the emulator's URL for local runs. */
  apiBase: string;
  /** WXOPEN_APPID + WXOPEN_APPSECRET: own-account mode, tokens from cgi-bin/stable_token. */
  credentials?: { appId: string; appSecret: string };
  /** WXOPEN_HTTP_KEY: the bearer key HTTP callers must present. Unset: HTTP calls are refused. */
  httpKey?: string;
  /** WXOPEN_HTTP_KEY_PREVIOUS: the key being rotated out, still accepted until it is unset. */
  previousHttpKey?: string;
  /** WXOPEN_ADMIN_OPENIDS: Mini Program users allowed to call. Empty: none is. */
  adminOpenIds: ReadonlySet<string>;
  /** WXOPEN_COMPONENT_ACCESS_TOKEN: a component_access_token handed in from outside. */
  componentAccessToken?: string;
  /** WXOPEN_CLOUDBASE_TOKEN_FILE: where the TCB runtime keeps the cloudbase_access_token. */
  cloudbaseTokenFile: string;
  /** WXOPEN_REQUEST_TIMEOUT_MS: upper bound for one WeChat request (the time budget may cut it shorter). */
  requestTimeoutMs: number;
  /** WXOPEN_COMPONENT_*: third-party platform mode (acting for authorized merchants). */
  component?: ComponentConfig;
  /** Where component and authorizer tokens, tickets and refresh tokens are kept. */
  tokenStore: TokenStoreConfig;
}

/** A third-party platform (服务商) as registered on the open platform. */
export interface ComponentConfig {
  /** WXOPEN_COMPONENT_APPID */
  appId: string;
  /** WXOPEN_COMPONENT_APPSECRET */
  appSecret: string;
  /** WXOPEN_COMPONENT_TOKEN: the message-check token (signs pushes). Needed by the push receiver. */
  token?: string;
  /** WXOPEN_COMPONENT_AES_KEY: the 43-character EncodingAESKey. Needed by the push receiver. */
  aesKey?: string;
  /** WXOPEN_TOKEN_REFRESH_BUDGET: token fetches allowed per token per day before refusing (storm guard). */
  refreshBudgetPerDay: number;
  /** WXOPEN_TOKEN_LEASE_MS: how long one instance may hold a token's refresh lease (a dead holder delays the others this long). */
  leaseMs: number;
}

/**
 * WXOPEN_TOKEN_STORE: 'memory' (this instance only) or 'cloudbase' (the environment's database,
 * shared by every instance of every function); see readTokenStore for the default. WXOPEN_TOKEN_STORE_ENV names the
 * environment (default: the function's own); WXOPEN_TCB_SERVICE_URL points the SDK elsewhere (the
 * emulator) and is for local runs only.
 */
export type TokenStoreConfig = { kind: 'memory' } | { kind: 'cloudbase'; envId?: string; serviceUrl?: string };

export const DEFAULT_API_BASE = 'https://api.weixin.qq.com';
export const DEFAULT_CLOUDBASE_TOKEN_FILE = '/.tencentcloudbase/wx/cloudbase_access_token';
const DEFAULT_REQUEST_TIMEOUT_MS = 5000;
/** A 2-hour token needs 12 fetches a day; 100 leaves room for invalidations and stops a storm early. */
export const DEFAULT_REFRESH_BUDGET_PER_DAY = 100;
/** Longer than one token fetch takes (a request is bounded by 5 s), short enough that a dead holder costs little. */
export const DEFAULT_LEASE_MS = 10_000;
/** The bearer key is all that stands between the internet and the functions' HTTP paths. */
export const MIN_HTTP_KEY_LENGTH = 24;
/** What a bearer token may hold (RFC 6750 b64token): a key with other characters could not be sent. */
const HTTP_KEY_CHARACTERS = /^[A-Za-z0-9\-._~+/]+=*$/;
const HTTP_KEY_CHARACTERS_RULE = 'may hold only letters, digits and - . _ ~ + / (then = padding), as a bearer token must; openssl rand -hex 16 gives one';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * An http(s) URL with a host: it starts with http:// or https:// (any case) and the host's first
 * character is neither "/" nor white space (what /^https?:\/\/[^/\s]+/i says). String checks, not
 * that regular expression: loadConfig runs at every cold start, where compiling it cost 0.05 to
 * 0.13 ms (a case-insensitive pattern).
 */
export function isHttpUrl(text: string): boolean {
  const scheme = text.slice(0, 8).toLowerCase();
  const hostAt = scheme.startsWith('https://') ? 8 : scheme.startsWith('http://') ? 7 : -1;
  const first = hostAt < 0 ? '' : text.charAt(hostAt);
  return first !== '' && first !== '/' && first.trim() !== '';
}

/** The text without the slashes it ends with. */
function withoutTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charAt(end - 1) === '/') end -= 1;
  return text.slice(0, end);
}

/** An unset variable and one set to "" (what cloudbaserc templating gives for a missing value) are the same. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function configError(name: string, rule: string): LocalError {
  return new LocalError(LOCAL.CONFIG_MISSING, `${name}: ${rule}`, { field: name });
}

/** Reads and checks the configuration. Cheap: called once per invocation so a changed variable takes effect. */
export function loadConfig(env: Env = process.env): Config {
  const apiBase = withoutTrailingSlashes(read(env, 'WXOPEN_API_BASE') ?? DEFAULT_API_BASE);
  if (!isHttpUrl(apiBase)) {
    throw configError('WXOPEN_API_BASE', 'must be an http(s) URL such as https://api.weixin.qq.com');
  }
  const appId = read(env, 'WXOPEN_APPID');
  const appSecret = read(env, 'WXOPEN_APPSECRET');
  if (appId !== undefined && appSecret === undefined) {
    throw configError('WXOPEN_APPSECRET', 'must be set when WXOPEN_APPID is set');
  }
  if (appSecret !== undefined && appId === undefined) {
    throw configError('WXOPEN_APPID', 'must be set when WXOPEN_APPSECRET is set');
  }
  const timeoutText = read(env, 'WXOPEN_REQUEST_TIMEOUT_MS');
  const requestTimeoutMs = timeoutText === undefined ? DEFAULT_REQUEST_TIMEOUT_MS : Number(timeoutText);
  if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs < 100 || requestTimeoutMs > 60000) {
    throw configError('WXOPEN_REQUEST_TIMEOUT_MS', 'must be a whole number of milliseconds from 100 to 60000');
  }
  const config: Config = {
    apiBase,
    tokenStore: readTokenStore(env, read(env, 'WXOPEN_COMPONENT_APPID') !== undefined),
    adminOpenIds: new Set(
      (read(env, 'WXOPEN_ADMIN_OPENIDS') ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id !== ''),
    ),
    cloudbaseTokenFile: read(env, 'WXOPEN_CLOUDBASE_TOKEN_FILE') ?? DEFAULT_CLOUDBASE_TOKEN_FILE,
    requestTimeoutMs,
  };
  if (appId !== undefined && appSecret !== undefined) config.credentials = { appId, appSecret };
  const httpKey = read(env, 'WXOPEN_HTTP_KEY');
  if (httpKey !== undefined) {
    if (httpKey.length < MIN_HTTP_KEY_LENGTH) {
      throw configError('WXOPEN_HTTP_KEY', `must be at least ${MIN_HTTP_KEY_LENGTH} characters of random text (e.g. openssl rand -hex 16) so that it cannot be guessed`);
    }
    if (!HTTP_KEY_CHARACTERS.test(httpKey)) throw configError('WXOPEN_HTTP_KEY', HTTP_KEY_CHARACTERS_RULE);
    config.httpKey = httpKey;
  }
  const previousHttpKey = read(env, 'WXOPEN_HTTP_KEY_PREVIOUS');
  if (previousHttpKey !== undefined) {
    if (httpKey === undefined) throw configError('WXOPEN_HTTP_KEY_PREVIOUS', 'is the key being rotated out: set the new one in WXOPEN_HTTP_KEY too');
    if (previousHttpKey.length < MIN_HTTP_KEY_LENGTH) throw configError('WXOPEN_HTTP_KEY_PREVIOUS', `must be at least ${MIN_HTTP_KEY_LENGTH} characters, as WXOPEN_HTTP_KEY`);
    if (!HTTP_KEY_CHARACTERS.test(previousHttpKey)) throw configError('WXOPEN_HTTP_KEY_PREVIOUS', HTTP_KEY_CHARACTERS_RULE);
    config.previousHttpKey = previousHttpKey;
  }
  const componentAccessToken = read(env, 'WXOPEN_COMPONENT_ACCESS_TOKEN');
  if (componentAccessToken !== undefined) config.componentAccessToken = componentAccessToken;
  const component = readComponent(env);
  if (component !== undefined) config.component = component;
  return config;
}

function readComponent(env: Env): ComponentConfig | undefined {
  const appId = read(env, 'WXOPEN_COMPONENT_APPID');
  const appSecret = read(env, 'WXOPEN_COMPONENT_APPSECRET');
  const token = read(env, 'WXOPEN_COMPONENT_TOKEN');
  const aesKey = read(env, 'WXOPEN_COMPONENT_AES_KEY');
  if (appId === undefined && appSecret === undefined) {
    if (token !== undefined || aesKey !== undefined) {
      throw configError('WXOPEN_COMPONENT_APPID', 'must be set (with WXOPEN_COMPONENT_APPSECRET) when WXOPEN_COMPONENT_TOKEN or WXOPEN_COMPONENT_AES_KEY is set');
    }
    return undefined;
  }
  if (appId === undefined) throw configError('WXOPEN_COMPONENT_APPID', 'must be set when WXOPEN_COMPONENT_APPSECRET is set');
  if (appSecret === undefined) throw configError('WXOPEN_COMPONENT_APPSECRET', 'must be set when WXOPEN_COMPONENT_APPID is set');
  if (!/^wx[0-9a-zA-Z]{16}$/.test(appId)) throw configError('WXOPEN_COMPONENT_APPID', 'must be the platform\'s appid: wx and 16 letters or digits');
  if (aesKey !== undefined && !/^[A-Za-z0-9]{43}$/.test(aesKey)) {
    throw configError('WXOPEN_COMPONENT_AES_KEY', 'must be the 43-character EncodingAESKey (letters and digits) from the platform\'s development settings');
  }
  const budgetText = read(env, 'WXOPEN_TOKEN_REFRESH_BUDGET');
  const refreshBudgetPerDay = budgetText === undefined ? DEFAULT_REFRESH_BUDGET_PER_DAY : Number(budgetText);
  if (!Number.isInteger(refreshBudgetPerDay) || refreshBudgetPerDay < 1 || refreshBudgetPerDay > 100000) {
    throw configError('WXOPEN_TOKEN_REFRESH_BUDGET', 'must be a whole number of token fetches per token per day, from 1 to 100000');
  }
  const leaseText = read(env, 'WXOPEN_TOKEN_LEASE_MS');
  const leaseMs = leaseText === undefined ? DEFAULT_LEASE_MS : Number(leaseText);
  if (!Number.isInteger(leaseMs) || leaseMs < 1000 || leaseMs > 60000) {
    throw configError('WXOPEN_TOKEN_LEASE_MS', 'must be a whole number of milliseconds from 1000 to 60000');
  }
  const component: ComponentConfig = { appId, appSecret, refreshBudgetPerDay, leaseMs };
  if (token !== undefined) component.token = token;
  if (aesKey !== undefined) component.aesKey = aesKey;
  return component;
}

/**
 * Unset, the store is the database when the platform is configured and the function runs on the
 * TCB runtime (a ticket in one instance's memory would be lost to every other function), and
 * memory otherwise (local runs, tests, own-account mode, where nothing needs sharing).
 */
function readTokenStore(env: Env, componentConfigured: boolean): TokenStoreConfig {
  const onTcbRuntime = read(env, 'TENCENTCLOUD_RUNENV') === 'SCF';
  const kind = read(env, 'WXOPEN_TOKEN_STORE') ?? (componentConfigured && onTcbRuntime ? 'cloudbase' : 'memory');
  if (kind === 'memory') return { kind };
  if (kind !== 'cloudbase') throw configError('WXOPEN_TOKEN_STORE', 'must be "memory" (this instance only) or "cloudbase" (the environment\'s database, shared by every instance)');
  const store: TokenStoreConfig = { kind };
  const envId = read(env, 'WXOPEN_TOKEN_STORE_ENV');
  if (envId !== undefined) store.envId = envId;
  const serviceUrl = read(env, 'WXOPEN_TCB_SERVICE_URL');
  if (serviceUrl !== undefined) {
    if (!isHttpUrl(serviceUrl)) throw configError('WXOPEN_TCB_SERVICE_URL', 'must be an http(s) URL (the emulator\'s database endpoint)');
    store.serviceUrl = serviceUrl;
  }
  return store;
}
