import { randomBytes } from 'node:crypto';

/** A WeChat-style request id: three groups of 8 hex digits. */
export function newRid(): string {
  const hex = randomBytes(12).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 16)}-${hex.slice(16, 24)}`;
}

/** An error answer as WeChat gives it: HTTP 200, errcode, errmsg ending in " rid: ...". */
export class WeChatReplyError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`${errcode} ${errmsg}`);
  }
}

export function fail(errcode: number, errmsg: string): never {
  throw new WeChatReplyError(errcode, errmsg);
}

interface CommonReplies {
  invalidToken(): never;
  expiredToken(): never;
  missingToken(): never;
  requirePost(): never;
  emptyBody(): never;
  badFormat(): never;
  invalidArgs(what: string): never;
  missingParameter(name: string): never;
}

/** WeChat's own wording for the common codes. */
export const COMMON: CommonReplies = {
  invalidToken: () => fail(40001, 'invalid credential, access_token is invalid or not latest'),
  expiredToken: () => fail(42001, 'access_token expired'),
  missingToken: () => fail(41001, 'access_token missing'),
  requirePost: () => fail(43002, 'require POST method'),
  emptyBody: () => fail(44002, 'empty post data'),
  badFormat: () => fail(47001, 'data format error'),
  invalidArgs: (what: string) => fail(40097, `invalid args: ${what}`),
  missingParameter: (name: string) => fail(40101, `missing parameter ${name}`),
};
