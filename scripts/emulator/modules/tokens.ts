import type { Emulator } from '../server';
import { fail } from '../wechat-reply';

/**
 * POST /cgi-bin/stable_token {grant_type, appid, secret, force_refresh?} -> {access_token, expires_in};
 * GET /cgi-bin/token?grant_type=client_credential&appid=&secret= -> {access_token, expires_in}, a new
 * token each call (the older one usable 5 more minutes): what co-wechat-api and other older SDKs use.
 */
export function tokenModule(emulator: Emulator): void {
  emulator.route('cgi-bin/token', { token: 'none', allowGet: true }, ({ query }) => {
    if (query.get('grant_type') !== 'client_credential') fail(40002, 'invalid grant_type');
    const appid = query.get('appid');
    if (appid === null || appid === '') fail(41002, 'appid missing');
    const secret = query.get('secret');
    if (secret === null || secret === '') fail(41004, 'appsecret missing');
    const account = emulator.accounts.get(appid);
    if (account === undefined) fail(40013, 'invalid appid');
    if (account.secret !== secret) fail(40125, 'invalid appsecret');
    const { record, expiresIn } = emulator.tokens.plain(appid);
    return { access_token: record.value, expires_in: expiresIn, errcode: undefined, errmsg: undefined };
  });

  emulator.route('cgi-bin/stable_token', { token: 'none' }, ({ body }) => {
    if (body['grant_type'] !== 'client_credential') fail(40002, 'invalid grant_type');
    const appid = body['appid'];
    if (typeof appid !== 'string' || appid === '') fail(41002, 'appid missing');
    const secret = body['secret'];
    if (typeof secret !== 'string' || secret === '') fail(41004, 'appsecret missing');
    const account = emulator.accounts.get(appid);
    if (account === undefined) fail(40013, 'invalid appid');
    if (account.secret !== secret) fail(40125, 'invalid appsecret');
    const { record, expiresIn } = emulator.tokens.stable(appid, body['force_refresh'] === true);
    // A token endpoint answers without errcode on success.
    return { access_token: record.value, expires_in: expiresIn, errcode: undefined, errmsg: undefined };
  });
}
