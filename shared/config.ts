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
  /** WXOPEN_ADMIN_OPENIDS: Mini Program users allowed to call. Empty: none is. */
  adminOpenIds: ReadonlySet<string>;
  /** WXOPEN_COMPONENT_ACCESS_TOKEN: a component_access_token handed in from outside. */
  componentAccessToken?: string;
  /** WXOPEN_CLOUDBASE_TOKEN_FILE: where the TCB runtime keeps the cloudbase_access_token. */
  cloudbaseTokenFile: string;
  /** WXOPEN_REQUEST_TIMEOUT_MS: upper bound for one WeChat request (the time budget may cut it shorter). */
  requestTimeoutMs: number;
}

export const DEFAULT_API_BASE = 'https://api.weixin.qq.com';
export const DEFAULT_CLOUDBASE_TOKEN_FILE = '/.tencentcloudbase/wx/cloudbase_access_token';
const DEFAULT_REQUEST_TIMEOUT_MS = 5000;
/** The bearer key is all that stands between the internet and the functions' HTTP paths. */
export const MIN_HTTP_KEY_LENGTH = 24;

type Env = Readonly<Record<string, string | undefined>>;

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
  const apiBase = (read(env, 'WXOPEN_API_BASE') ?? DEFAULT_API_BASE).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/i.test(apiBase)) {
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
    config.httpKey = httpKey;
  }
  const componentAccessToken = read(env, 'WXOPEN_COMPONENT_ACCESS_TOKEN');
  if (componentAccessToken !== undefined) config.componentAccessToken = componentAccessToken;
  return config;
}
