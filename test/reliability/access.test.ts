import { loadBundle } from '../support/bundles';
import { ADMIN_OPENID, HTTP_KEY, useEmulator } from '../support/emulator';
import { setEnv } from '../support/env';
import { httpBody, httpEvent } from '../support/events';

// Who may call: every way a caller could try to pass without the key or the right identity is
// refused, and the emulator (WeChat) sees no call for any of them.
const current = useEmulator();
const summary = { tried: 0, refused: 0, reachedWeChat: 0 };
afterAll(() => process.stdout.write(`access: ${summary.tried} refusals tried, ${summary.refused} refused, ${summary.reachedWeChat} reached WeChat\n`));

const withAuthorization = (value: string | undefined, extra: Record<string, unknown> = {}) => {
  const event = httpEvent({}, undefined);
  const headers = { ...(event['headers'] as Record<string, string>) };
  if (value !== undefined) headers['authorization'] = value;
  return { ...event, headers, ...extra };
};

async function expectRefused(what: string, event: unknown, context: unknown = { environ: '' }, errcode = 990004): Promise<void> {
  const before = current().calls.length;
  summary.tried++;
  const answer = await loadBundle('getJumpQRCode')(event, context);
  const body = typeof answer['body'] === 'string' ? httpBody(answer) : answer;
  expect({ what, errcode: body['errcode'] }).toEqual({ what, errcode });
  if (body['errcode'] === errcode) summary.refused++;
  const sent = current().calls.length - before;
  summary.reachedWeChat += sent;
  expect({ what, sent }).toEqual({ what, sent: 0 });
}

const oneByteOff = `${HTTP_KEY.slice(0, -1)}${HTTP_KEY.endsWith('x') ? 'y' : 'x'}`;

describe('HTTP callers', () => {
  it.each([
    ['no Authorization header', withAuthorization(undefined)],
    ['a wrong key', withAuthorization('Bearer wrong-key-000000000000000000')],
    ['the key one byte off', withAuthorization(`Bearer ${oneByteOff}`)],
    ['the key with a byte more', withAuthorization(`Bearer ${HTTP_KEY}0`)],
    ['the key as a prefix', withAuthorization(`Bearer ${HTTP_KEY.slice(0, 12)}`)],
    ['the key in the query string only', withAuthorization(undefined, { queryStringParameters: { access_token: HTTP_KEY, key: HTTP_KEY, authorization: `Bearer ${HTTP_KEY}` } })],
    ['the key in the body', { ...withAuthorization(undefined), body: JSON.stringify({ authorization: `Bearer ${HTTP_KEY}` }) }],
    ['another scheme', withAuthorization(`Basic ${HTTP_KEY}`)],
    ['no scheme', withAuthorization(HTTP_KEY)],
    ['a tab after Bearer', withAuthorization(`Bearer\t${HTTP_KEY}`)],
    ['a leading blank', withAuthorization(` Bearer ${HTTP_KEY}`)],
    ['a trailing blank', withAuthorization(`Bearer ${HTTP_KEY} `)],
    ['a second token after the key', withAuthorization(`Bearer ${HTTP_KEY} ${HTTP_KEY}`)],
    ['two keys joined with a comma (a repeated header)', withAuthorization(`Bearer ${HTTP_KEY}, Bearer wrong-key-000000000000000000`)],
    ['a different second value in multiValueHeaders', withAuthorization(`Bearer ${HTTP_KEY}`, { multiValueHeaders: { authorization: [`Bearer ${HTTP_KEY}`, 'Bearer wrong-key-000000000000000000'] } })],
    ['a second header of another case with another value', { ...withAuthorization(`Bearer ${HTTP_KEY}`), headers: { ...(withAuthorization(`Bearer ${HTTP_KEY}`)['headers'] as object), AUTHORIZATION: 'Bearer wrong-key-000000000000000000' } }],
    ['an identity dressed into the body and headers', { ...withAuthorization(undefined, { headers: { 'x-wx-openid': ADMIN_OPENID, 'x-wx-source': 'wx_client' } }), body: JSON.stringify({ userInfo: { openId: ADMIN_OPENID, appId: 'wx1111111111111111' } }) }],
  ])('refuses %s', async (what, event) => {
    await expectRefused(what, event);
  });

  it('accepts the scheme in any case and one or more spaces before the key (RFC 6750)', async () => {
    const main = loadBundle('getJumpQRCode');
    for (const value of [`Bearer ${HTTP_KEY}`, `bearer ${HTTP_KEY}`, `BEARER  ${HTTP_KEY}`]) {
      expect((await main(withAuthorization(value), { environ: '' }))['statusCode']).toBe(200);
    }
  });

  it('takes the new and the previous key while a key is rotated, and only the new one after', async () => {
    const previous = 'previous-http-key-0123456789';
    const main = loadBundle('getJumpQRCode');
    setEnv({ WXOPEN_HTTP_KEY_PREVIOUS: previous });
    try {
      expect((await main(withAuthorization(`Bearer ${previous}`), { environ: '' }))['statusCode']).toBe(200);
      expect((await main(withAuthorization(`Bearer ${HTTP_KEY}`), { environ: '' }))['statusCode']).toBe(200);
      await expectRefused('a third key while rotating', withAuthorization('Bearer some-third-key-0123456789'));
    } finally {
      setEnv({ WXOPEN_HTTP_KEY_PREVIOUS: undefined });
    }
    await expectRefused('the previous key once rotated out', withAuthorization(`Bearer ${previous}`));
  });
});

describe('Mini Program and direct callers', () => {
  it('a Mini Program user not in WXOPEN_ADMIN_OPENIDS is refused, even with the HTTP key in an HTTP-shaped event', async () => {
    const stranger = 'WX_CONTEXT_KEYS=WX_OPENID,WX_APPID;WX_OPENID=o-stranger;WX_APPID=wx1111111111111111;TCB_SOURCE=wx_client';
    await expectRefused('a stranger', {}, { environ: stranger }, 990006);
    await expectRefused('a stranger sending an HTTP event with the key', httpEvent({}, HTTP_KEY), { environ: stranger }, 990006);
  });

  it('a direct event dressed as an HTTP call is an HTTP call: without the key it is refused', async () => {
    await expectRefused('a direct call shaped as HTTP', { httpMethod: 'POST', headers: {}, body: '{}' }, undefined);
  });

  it('a Web SDK or cross-account user dressed with an admin OPENID in userInfo is refused', async () => {
    await expectRefused('an anonymous CloudBase user', { userInfo: { openId: ADMIN_OPENID } }, { environ: 'TCB_ISANONYMOUS_USER=true;TCB_UUID=u1;TCB_SOURCE=web' }, 990006);
    await expectRefused('a user of another account', { userInfo: { openId: ADMIN_OPENID } }, { environ: `WX_CONTEXT_KEYS=WX_FROM_OPENID,WX_FROM_APPID;WX_FROM_OPENID=${ADMIN_OPENID};WX_FROM_APPID=wx9999999999999999` }, 990006);
  });
});
