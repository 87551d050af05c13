type Env = Readonly<Record<string, string | undefined>>;

/** The caller identity of a Mini Program call, as wx-server-sdk's getWXContext() gives it. */
export interface WxContext {
  OPENID?: string;
  APPID?: string;
  UNIONID?: string;
  /** Cross-account (resource sharing) calls: the user of the other account. */
  FROM_OPENID?: string;
  FROM_APPID?: string;
  /** e.g. "wx_client", "wx_devtools", "wx_client,scf" */
  SOURCE?: string;
  ENV?: string;
}

/** Tokens the runtime lists among the context keys that are not identity. */
const NOT_IDENTITY = new Set(['WX_API_TOKEN', 'WX_TRIGGER_API_TOKEN_V0', 'WX_CLOUDBASE_ACCESSTOKEN']);
const IDENTITY_NAMES = new Set(['OPENID', 'APPID', 'UNIONID', 'FROM_OPENID', 'FROM_APPID']);

/** Per-call variables that say who is calling: never to be taken from an earlier call. */
function isPerCallKey(key: string): boolean {
  return key.startsWith('WX_') || key.startsWith('TCB_');
}

/**
 * The per-call variables the context carries, and whether it carries any field for them at all:
 * an empty `environ` is the platform saying "nothing for this call", not "look elsewhere".
 */
function fromContext(context: unknown): { values: Record<string, string>; given: boolean } {
  const values: Record<string, string> = {};
  if (typeof context !== 'object' || context === null) return { values, given: false };
  const { environ, environment } = context as { environ?: unknown; environment?: unknown };
  const given = typeof environ === 'string' || typeof environment === 'string';
  if (typeof environ === 'string') {
    for (const pair of environ.split(';')) {
      const eq = pair.indexOf('=');
      if (eq > 0) values[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  if (typeof environment === 'string' && environment.trim().startsWith('{')) {
    try {
      const parsed = JSON.parse(environment) as Record<string, unknown>;
      for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string') values[key] = value;
    } catch {
      // not JSON: the other sources still apply
    }
  }
  return { values, given };
}

/**
 * The per-call variables. The SCF bootstrap exports `context.environ` ("K=V;K=V", older runtime)
 * into process.env before each call and never removes a key, so process.env may still hold the
 * previous caller's WX_* / TCB_* values; the newer runtime passes `context.environment` (JSON).
 * Whenever the context has a field for per-call variables (even an empty one: an HTTP call has no
 * caller identity), they are the whole truth about the caller, and process.env's WX_* / TCB_*
 * values are ignored. Without such a field (local tools, older runtimes) process.env is all there is.
 *
 * The answer is a read-only view, not a copy: each read of process.env is a call into the runtime,
 * and copying all of it (a hundred variables or so) cost more per call than the rest of the caller
 * check, while a call reads a handful. It is meant to be read at once (the caller check does).
 */
export function callEnvironment(context: unknown, env: Env = process.env): Env {
  const { values: perCall, given } = fromContext(context);
  if (!given) return env;
  const read = (key: string): string | undefined => (Object.hasOwn(perCall, key) ? perCall[key] : isPerCallKey(key) ? undefined : env[key]);
  return new Proxy(perCall, {
    get: (_, key) => (typeof key === 'string' ? read(key) : undefined),
    has: (_, key) => typeof key === 'string' && read(key) !== undefined,
    ownKeys: () => [...new Set([...Object.keys(env).filter((key) => !isPerCallKey(key) && env[key] !== undefined), ...Object.keys(perCall)])],
    getOwnPropertyDescriptor: (_, key) => {
      const value = typeof key === 'string' ? read(key) : undefined;
      return value === undefined ? undefined : { value, writable: false, enumerable: true, configurable: true };
    },
    set: () => false,
    deleteProperty: () => false,
  });
}

/**
 * Same rules as wx-server-sdk getWXContext() (read from its 4.0.2 source): the keys listed in
 * WX_CONTEXT_KEYS, without their WX_ prefix; SOURCE from TCB_SOURCE; ENV from TCB_ENV or
 * SCF_NAMESPACE. Written out here so that no function has to bundle the 1.2 MB SDK for it.
 */
export function readWxContext(env: Env): WxContext {
  const context: WxContext = {};
  const keys = (env['WX_CONTEXT_KEYS'] ?? '').split(',').map((key) => key.trim()).filter((key) => key !== '');
  for (const key of keys) {
    if (NOT_IDENTITY.has(key) || !key.startsWith('WX_')) continue;
    const value = env[key];
    if (value === undefined || value === '') continue;
    const name = key.slice(3);
    if (IDENTITY_NAMES.has(name)) context[name as 'OPENID'] = value;
  }
  const source = env['TCB_SOURCE'];
  if (source !== undefined && source !== '') context.SOURCE = source;
  const envId = env['TCB_ENV'] ?? env['SCF_NAMESPACE'];
  if (envId !== undefined && envId !== '') context.ENV = envId;
  return context;
}
