type Env = Readonly<Record<string, string | undefined>>;

/** The caller identity of a Mini Program call, as wx-server-sdk's getWXContext() gives it. */
export interface WxContext {
  OPENID?: string;
  APPID?: string;
  UNIONID?: string;
  /** e.g. "wx_client", "wx_devtools", "wx_client,scf" */
  SOURCE?: string;
  ENV?: string;
}

/** Tokens the runtime lists among the context keys that are not identity. */
const NOT_IDENTITY = new Set(['WX_API_TOKEN', 'WX_TRIGGER_API_TOKEN_V0', 'WX_CLOUDBASE_ACCESSTOKEN']);

/**
 * The per-call variables. The SCF bootstrap exports `context.environ` ("K=V;K=V", older runtime)
 * into process.env before each call; the newer runtime passes `context.environment` (a JSON string).
 * Both are read, context first, so the identity is that of this call and never a previous one's.
 */
export function callEnvironment(context: unknown, env: Env = process.env): Env {
  const merged: Record<string, string | undefined> = { ...env };
  if (typeof context !== 'object' || context === null) return merged;
  const { environ, environment } = context as { environ?: unknown; environment?: unknown };
  if (typeof environ === 'string') {
    for (const pair of environ.split(';')) {
      const eq = pair.indexOf('=');
      if (eq > 0) merged[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  if (typeof environment === 'string' && environment.trim().startsWith('{')) {
    try {
      const parsed = JSON.parse(environment) as Record<string, unknown>;
      for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string') merged[key] = value;
    } catch {
      // not JSON: ignore, process.env still holds what the bootstrap exported
    }
  }
  return merged;
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
    if (name === 'OPENID' || name === 'APPID' || name === 'UNIONID') context[name] = value;
  }
  const source = env['TCB_SOURCE'];
  if (source !== undefined && source !== '') context.SOURCE = source;
  const envId = env['TCB_ENV'] ?? env['SCF_NAMESPACE'];
  if (envId !== undefined && envId !== '') context.ENV = envId;
  return context;
}
