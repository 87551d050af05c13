import { callableFunctionNames } from '../../scripts/function-catalogue';
import { loadBundle } from '../support/bundles';
import { ADMIN_OPENID, HTTP_KEY, SERVICE_ACCOUNT, useAccount, useEmulator } from '../support/emulator';
import { setEnv } from '../support/env';
import { httpBody, httpEvent } from '../support/events';

// Hostile or unusual events against the built bundles: each must get a well-formed answer from
// the rule that fits it, never an internal error, and a genuine caller must never be refused.
const current = useEmulator();
beforeEach(() => current().reset());

describe('HTTP bodies that are not text', () => {
  it.each([
    ['a number', 42],
    ['an object', { prefix: 'https://shop.example.com/qr/' }],
    ['an array', [1, 2]],
    ['a boolean', true],
  ])('%s as body is refused as 990002 naming body, by every function, before any call to WeChat', async (_what, body) => {
    for (const name of callableFunctionNames()) {
      const answer = await loadBundle(name)({ ...httpEvent(undefined, HTTP_KEY), body });
      expect({ name, status: answer['statusCode'] }).toEqual({ name, status: 400 });
      expect(httpBody(answer)).toMatchObject({ errcode: 990002, field: 'body', errmsg: expect.stringMatching(/^body: must be the request's text/) });
    }
    expect(current().calls).toHaveLength(0);
  });

  it('odd event shapes never reach an internal error', async () => {
    const shapes: unknown[] = [
      { ...httpEvent({}, HTTP_KEY), isBase64Encoded: 'yes' },
      { ...httpEvent({}, HTTP_KEY), multiValueHeaders: null },
      { ...httpEvent({}, HTTP_KEY), multiValueHeaders: { authorization: 'not-a-list' } },
      { ...httpEvent({}, HTTP_KEY), headers: { authorization: 12345 } },
      { ...httpEvent({}, HTTP_KEY), queryStringParameters: 'x' },
      { httpMethod: 'POST', headers: {} },
      { httpMethod: 7, headers: 'x' },
    ];
    const main = loadBundle('getJumpQRCode');
    for (const event of shapes) {
      const answer = await main(event);
      const body = typeof answer['body'] === 'string' ? httpBody(answer) : answer;
      expect({ event, errcode: body['errcode'] }).not.toEqual({ event, errcode: 990099 });
      expect(typeof body['errcode']).toBe('number');
    }
  });
});

describe('64-bit ids: the exact digits of the JSON text are kept over HTTP; a JavaScript number past 2^53 is refused', () => {
  beforeEach(() => useAccount(current(), SERVICE_ACCOUNT.appid, SERVICE_ACCOUNT.secret));

  it('over HTTP, 9007199254740993 reaches WeChat digit for digit', async () => {
    const main = loadBundle('applyCodeQuery');
    const answer = await main({ ...httpEvent(undefined, HTTP_KEY), body: '{"application_id":9007199254740993}' });
    // The emulator knows no such application: WeChat's own refusal, after the exact id went out.
    expect(httpBody(answer)['errcode']).not.toBe(990001);
    const sent = current().callsTo('intp/marketcode/applycodequery');
    expect(sent).toHaveLength(1);
    expect(String((sent[0]?.body as Record<string, unknown>)['application_id'])).toBe('9007199254740993');
  });

  it('in a direct call, a number past 2^53 (its digits already lost) is refused, its decimal string is not', async () => {
    const main = loadBundle('applyCodeQuery');
    const refused = await main({ application_id: 2 ** 53 + 2 });
    expect(refused).toMatchObject({ errcode: 990001, field: 'application_id' });
    expect(current().calls).toHaveLength(0);
    await main({ application_id: '9007199254740993' });
    expect(String((current().callsTo('intp/marketcode/applycodequery')[0]?.body as Record<string, unknown>)['application_id'])).toBe('9007199254740993');
  });
});

describe('the caller is decided from the per-call context alone whenever the platform gives one', () => {
  it('a warm instance serves a Mini Program call, then an HTTP call whose empty environ leaves the earlier WX_OPENID in process.env', async () => {
    const main = loadBundle('getJumpQRCode');
    const perCall = `WX_CONTEXT_KEYS=WX_OPENID,WX_APPID;WX_OPENID=${ADMIN_OPENID};WX_APPID=wx1111111111111111;TCB_SOURCE=wx_client`;
    // The bootstrap exports the per-call variables into process.env and never removes them.
    setEnv({ WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID', WX_OPENID: ADMIN_OPENID, WX_APPID: 'wx1111111111111111', TCB_SOURCE: 'wx_client' });
    try {
      expect(await main({}, { environ: perCall })).toMatchObject({ errcode: 0 });
      const http = await main(httpEvent({}, HTTP_KEY), { environ: '' });
      expect({ status: http['statusCode'], errcode: httpBody(http)['errcode'] }).toEqual({ status: 200, errcode: 0 });
      const viaJson = await main(httpEvent({}, HTTP_KEY), { environment: '{}' });
      expect(viaJson['statusCode']).toBe(200);
    } finally {
      setEnv({ WX_CONTEXT_KEYS: undefined, WX_OPENID: undefined, WX_APPID: undefined, TCB_SOURCE: undefined });
    }
  });
});

describe('a repeated Authorization header', () => {
  it('two different values are refused (even with the right key among them); the same value twice is one header', async () => {
    const main = loadBundle('getJumpQRCode');
    const both = httpEvent({}, HTTP_KEY);
    const refused = await main({ ...both, multiValueHeaders: { authorization: ['Bearer wrong-key-0123456789abcdef', `Bearer ${HTTP_KEY}`] } });
    expect({ status: refused['statusCode'], errcode: httpBody(refused)['errcode'] }).toEqual({ status: 401, errcode: 990004 });
    const mixedCase = await main({ ...both, headers: { ...(both['headers'] as object), Authorization: 'Bearer another-key-0123456789abc' } });
    expect(mixedCase['statusCode']).toBe(401);
    expect(current().calls).toHaveLength(0);
    const twice = await main({ ...both, multiValueHeaders: { authorization: [`Bearer ${HTTP_KEY}`, `Bearer ${HTTP_KEY}`] } });
    expect(twice['statusCode']).toBe(200);
  });
});
