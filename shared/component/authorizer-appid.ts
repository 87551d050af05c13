import * as v from 'valibot';

/**
 * A merchant's appid, as every function's `authorizer_appid` takes it. A module of its own, so
 * that each function's bundle builds this one schema and not the authorization functions' schemas
 * (shared/component/schemas.ts) besides.
 */
export const authorizerAppId = v.pipe(v.string('must be a string'), v.regex(/^wx[0-9a-zA-Z]{16}$/, 'must be the merchant\'s appid: wx and 16 letters or digits'));
