import { setEnv } from './env';

/** The event the HTTP access service hands a function for a POST with a JSON body. */
export function httpEvent(body: unknown, key?: string, method = 'POST'): Record<string, unknown> {
  const headers: Record<string, string> = { 'content-type': 'application/json', host: 'env-demo.service.tcloudbase.com' };
  if (key !== undefined) headers['authorization'] = `Bearer ${key}`;
  return {
    path: '/fn',
    httpMethod: method,
    headers,
    queryStringParameters: {},
    requestContext: { requestId: 'req-1', envId: 'env-demo' },
    body: body === undefined ? '' : JSON.stringify(body),
    isBase64Encoded: false,
  };
}

/** Parses the JSON body of an HTTP answer. */
export function httpBody(answer: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(String(answer['body'])) as Record<string, unknown>;
}

/** Makes the next calls look like wx.cloud.callFunction from this user (per-call variables). */
export function actAsMiniProgramUser(openid: string | undefined): void {
  setEnv({
    WX_CONTEXT_KEYS: openid === undefined ? undefined : 'WX_OPENID,WX_APPID,WX_UNIONID',
    WX_OPENID: openid,
    WX_APPID: openid === undefined ? undefined : 'wx1111111111111111',
    TCB_SOURCE: openid === undefined ? undefined : 'wx_client',
  });
}
