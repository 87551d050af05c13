
/** Every success has WeChat's shape: errcode 0, errmsg "ok", then the operation's own fields. */
export type SuccessAnswer<T extends object> = { errcode: 0; errmsg: 'ok' } & T;

export function success<T extends object>(data: T): SuccessAnswer<T> {
  return { errcode: 0, errmsg: 'ok', ...data };
}

/** The integrated response of the HTTP access service. */
export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: false;
}

export function httpAnswer(statusCode: number, answer: object | string): HttpAnswer {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: typeof answer === 'string' ? answer : JSON.stringify(answer),
    isBase64Encoded: false,
  };
}
