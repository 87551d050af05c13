import { callEnvironment, readWxContext, type WxContext } from './wx-context';

/** The HTTP access service's event ("integrated request"). */
export interface HttpEvent {
  httpMethod: string;
  path?: string;
  headers: Record<string, string | undefined>;
  /** Every value of each header, when a header came more than once. */
  multiValueHeaders?: Record<string, string[] | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
  queryStringParameters?: Record<string, string> | null;
}

/** Who is calling, decided from the per-call environment first, then the event. */
export type Caller =
  | { kind: 'miniprogram'; openid: string; appid?: string; source: string }
  /** A signed-in end user without an OPENID of this account: Web SDK, anonymous, cross-account. */
  | { kind: 'enduser'; who: string; source: string }
  | { kind: 'http'; event: HttpEvent }
  | { kind: 'direct'; source: string };

export function isHttpEvent(event: unknown): event is HttpEvent {
  if (typeof event !== 'object' || event === null) return false;
  const candidate = event as Partial<HttpEvent>;
  return typeof candidate.httpMethod === 'string' && typeof candidate.headers === 'object' && candidate.headers !== null;
}

/**
 * Sources (the first link of TCB_SOURCE's chain) that always mean a Mini Program user. Web SDK
 * users are recognised by their TCB_UUID / TCB_CUSTOM_USER_ID / TCB_ISANONYMOUS_USER instead.
 */
const CLIENT_SOURCES = new Set(['wx_client', 'wx_devtools']);

/** Describes the end user behind a call that has no OPENID of this account, if there is one. */
function endUserOf(env: Readonly<Record<string, string | undefined>>, wx: WxContext): string | undefined {
  const present = (name: string) => (env[name] ?? '').trim() !== '';
  if (wx.FROM_OPENID !== undefined || present('WX_FROM_OPENID')) return 'a user of another account (cross-account call)';
  if ((env['TCB_ISANONYMOUS_USER'] ?? '').trim() === 'true') return 'an anonymous CloudBase user';
  if (present('TCB_CUSTOM_USER_ID')) return 'a CloudBase custom-login user';
  if (present('TCB_UUID')) return 'a signed-in CloudBase (Web SDK) user';
  const origin = (wx.SOURCE ?? '').split(',')[0]?.trim() ?? '';
  if (CLIENT_SOURCES.has(origin)) return `a client call (${origin}) without an OPENID`;
  return undefined;
}

/**
 * The caller, most specific first, so that an end user can never pass for anything else:
 * - an OPENID of this account in the per-call environment: a Mini Program user (or a function it called);
 * - any other end-user identity (Web SDK user, anonymous, cross-account): an end user, refused;
 * - an event with httpMethod and headers: the HTTP access service (bearer key required);
 * - nothing of the above: a direct invocation (console, CLI, the tcb API, a timer, another
 *   function), which needs the environment's Tencent Cloud credentials.
 * A Mini Program user who sends an HTTP-shaped event is still a Mini Program user.
 */
export function identifyCaller(event: unknown, context: unknown, env?: Readonly<Record<string, string | undefined>>): Caller {
  const perCall = callEnvironment(context, env);
  const wx = readWxContext(perCall);
  const source = wx.SOURCE ?? 'direct';
  if (wx.OPENID !== undefined) {
    return wx.APPID === undefined ? { kind: 'miniprogram', openid: wx.OPENID, source } : { kind: 'miniprogram', openid: wx.OPENID, appid: wx.APPID, source };
  }
  const who = endUserOf(perCall, wx);
  if (who !== undefined) return { kind: 'enduser', who, source };
  if (isHttpEvent(event)) return { kind: 'http', event };
  return { kind: 'direct', source };
}
