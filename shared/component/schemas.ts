import * as v from 'valibot';
import { authorizerAppId } from './authorizer-appid';

const httpUrl = v.pipe(
  v.string('must be a string'),
  v.maxLength(1024, 'at most 1024 characters'),
  v.check((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL on the platform\'s authorization domain (登录授权的发起页域名)'),
);

/** createAuthorizationLinks */
export const linksInput = v.pipe(
  v.strictObject({
    redirect_uri: httpUrl,
    auth_type: v.optional(v.picklist([1, 2, 3], 'must be 1 (service accounts), 2 (Mini Programs) or 3 (both)')),
    biz_appid: v.optional(authorizerAppId),
  }),
  v.check((input) => !(input.auth_type !== undefined && input.biz_appid !== undefined), 'auth_type and biz_appid cannot be given together (WeChat takes one or the other)'),
);

/** completeAuthorization: the auth_code the redirect (or the authorized push) carried. */
export const completeInput = v.strictObject({
  auth_code: v.pipe(v.string('must be a string'), v.nonEmpty('must not be empty'), v.maxLength(512, 'at most 512 characters'), v.regex(/^[\x21-\x7e]+$/, 'must be the code as WeChat gave it (printable, no spaces)')),
});

/** listAuthorizers */
export const listInput = v.strictObject({
  offset: v.optional(v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(0, 'must be 0 or more'))),
  count: v.optional(v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be 1 or more'), v.maxValue(500, 'must be 500 or less'))),
  /** Stores the refresh token of every listed merchant the store lacks (or holds an older one of). */
  recover: v.optional(v.boolean('must be true or false')),
});

/** getAuthorizerInfo */
export const infoInput = v.strictObject({ authorizer_appid: authorizerAppId });

/** startTicketPush */
export const noInput = v.strictObject({});
