import { callEnvironment, readWxContext } from './wx-context';

/** The HTTP access service's event ("integrated request"). */
export interface HttpEvent {
  httpMethod: string;
  path?: string;
  headers: Record<string, string | undefined>;
  body?: string | null;
  isBase64Encoded?: boolean;
  queryStringParameters?: Record<string, string> | null;
}

/** Who is calling, decided from the event and the per-call environment. */
export type Caller =
  | { kind: 'http'; event: HttpEvent }
  | { kind: 'miniprogram'; openid: string; appid?: string; source: string }
  | { kind: 'direct'; source: string };

export function isHttpEvent(event: unknown): event is HttpEvent {
  if (typeof event !== 'object' || event === null) return false;
  const candidate = event as Partial<HttpEvent>;
  return typeof candidate.httpMethod === 'string' && typeof candidate.headers === 'object' && candidate.headers !== null;
}

/**
 * - an event with httpMethod and headers came through the HTTP access service;
 * - a call whose WeChat context carries an OPENID came from a Mini Program (or a function it called);
 * - anything else was invoked directly: console, CLI, the tcb API, a timer or another function,
 *   all of which need the environment's Tencent Cloud credentials.
 */
export function identifyCaller(event: unknown, context: unknown, env?: Readonly<Record<string, string | undefined>>): Caller {
  if (isHttpEvent(event)) return { kind: 'http', event };
  const wx = readWxContext(callEnvironment(context, env));
  const source = wx.SOURCE ?? 'direct';
  if (wx.OPENID !== undefined) {
    return wx.APPID === undefined
      ? { kind: 'miniprogram', openid: wx.OPENID, source }
      : { kind: 'miniprogram', openid: wx.OPENID, appid: wx.APPID, source };
  }
  return { kind: 'direct', source };
}
