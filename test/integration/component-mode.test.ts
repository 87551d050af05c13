import type { Emulator } from '../../scripts/emulator';
import { DEMO_ENVS } from '../../scripts/emulator/cloud-envs';
import { hostingDomainOf } from '../../scripts/emulator/static-sites';
import { startGateway, type Gateway } from '../../scripts/gateway';
import { LOCAL } from '../../shared/error-codes';
import { CloudbaseTokenStore } from '../../shared/tokens/store/cloudbase-token-store';
import { authorizeMerchant, DEMO_PLATFORM, platformEnv, pushTicketTo, signedPush, storedDocuments } from '../support/platform';
import { emulatorFor, emulatorRequest, HTTP_KEY, MINI_PROGRAM, SERVICE_ACCOUNT } from '../support/emulator';
import { restoreEnv } from '../support/env';

// A service provider's deployment, end to end over HTTP on 127.0.0.1: the built bundles behind the
// local gateway, acting for merchants through the platform; the ticket and the authorizations
// arrive by push at componentEvents; every function shares them through the emulated database
// (the real @cloudbase/node-sdk), since each bundle has a memory of its own.

const STORE_ENV = 'provider-env-0001';
const MERCHANT_A = MINI_PROGRAM.appid;
const MERCHANT_B = SERVICE_ACCOUNT.appid;
const ENV_A = DEMO_ENVS.find((env) => env.appid === MERCHANT_A)!;

let emulator: Emulator;
let gateway: Gateway;
const logLines: string[] = [];
const answers: string[] = [];
const spies: jest.SpyInstance[] = [];

async function call(name: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${gateway.url}/${name}`, { method: 'POST', headers: { authorization: `Bearer ${HTTP_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  answers.push(text);
  return { status: response.status, json: JSON.parse(text) as Record<string, unknown> };
}

async function push(query: string, body: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${gateway.url}/componentEvents?${query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
  const text = await response.text();
  answers.push(text);
  return { status: response.status, text };
}

async function links(): Promise<{ preAuthCode: string; json: Record<string, unknown> }> {
  const { json } = await call('createAuthorizationLinks', { redirect_uri: 'https://provider.example.com/authorized' });
  expect(json['errcode']).toBe(0);
  const preAuthCode = new URL(String(json['pc_url'])).searchParams.get('pre_auth_code');
  if (preAuthCode === null) throw new Error('no pre_auth_code in pc_url');
  return { preAuthCode, json };
}

beforeAll(async () => {
  for (const method of ['log', 'error', 'warn'] as const) {
    spies.push(jest.spyOn(console, method).mockImplementation((...args: unknown[]) => void logLines.push(args.map(String).join(' '))));
  }
  emulator = await emulatorFor();
  gateway = await startGateway({ env: { ...platformEnv(emulator, STORE_ENV), WXOPEN_APPID: undefined, WXOPEN_APPSECRET: undefined, WXOPEN_LOG_LEVEL: 'info' } });
  await pushTicketTo(emulator, `${gateway.url}/componentEvents`);
});

afterAll(async () => {
  await gateway.close();
  await emulator.close();
  for (const spy of spies) spy.mockRestore();
  restoreEnv();
});

describe('third-party platform mode through the gateway', () => {
  it('takes the ticket by push and keeps it in the shared database store', async () => {
    const platform = await storedDocuments(emulator, STORE_ENV, 'wxopen_platform');
    expect(platform.find((doc) => doc['_id'] === `ticket:${DEMO_PLATFORM.componentAppId}`)).toMatchObject({ ticket: expect.stringMatching(/^ticket@@@/) });
  });

  it('authorizes two merchants (links, page, authorized push) and acts for each with its own token', async () => {
    const first = await links();
    expect(String(first.json['pc_url'])).toMatch(new RegExp(`^${emulator.url}/cgi-bin/componentloginpage\\?component_appid=${DEMO_PLATFORM.componentAppId}&`));
    expect(String(first.json['mobile_url'])).toMatch(/\/wxaopen\/safe\/bindcomponent\?action=bindcomponent&no_scan=1&.*#wechat_redirect$/);
    const page = await fetch(String(first.json['pc_url']));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Demo Service Provider');
    await authorizeMerchant(emulator, first.preAuthCode, MERCHANT_A, [18, 49]);
    await authorizeMerchant(emulator, (await links()).preAuthCode, MERCHANT_B, [3, 46, 49]);
    const stored = await storedDocuments(emulator, STORE_ENV, 'wxopen_platform');
    expect(stored.filter((doc) => String(doc['_id']).startsWith('authorization:')).map((doc) => [doc['authorizerAppId'], doc['permissionSets']])).toEqual(
      expect.arrayContaining([[MERCHANT_A, [18, 49]], [MERCHANT_B, [3, 46, 49]]]),
    );

    const prefix = `https://${hostingDomainOf(ENV_A)}/qr/`;
    const setup = await call('setupQRCodeJump', { authorizer_appid: MERCHANT_A, env: ENV_A.envId, prefix, permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, publish: true });
    expect(setup.json).toMatchObject({ errcode: 0, prefix, state: 2 });
    const listA = await call('getJumpQRCode', { authorizer_appid: MERCHANT_A });
    const listB = await call('getJumpQRCode', { authorizer_appid: MERCHANT_B });
    expect((listA.json['rule_list'] as unknown[]).length).toBe(1);
    expect(listB.json).toMatchObject({ errcode: 0, rule_list: [] });
    // One component token for every function of the gateway; each merchant's first token came with
    // its authorization (api_query_auth), so none was fetched.
    expect(emulator.callsTo('cgi-bin/component/api_component_token')).toHaveLength(1);
    expect(emulator.callsTo('cgi-bin/component/api_authorizer_token')).toHaveLength(0);
  });

  it('two merchants\' tokens never cross: B\'s token refused, A keeps working without a refetch', async () => {
    const before = emulator.callsTo('cgi-bin/component/api_authorizer_token').length;
    const revoked = await emulatorRequest(emulator, '__emulator/revoke-tokens', { appid: MERCHANT_B });
    expect(revoked.json['revoked']).toBeGreaterThanOrEqual(1);
    const both = await Promise.all([call('getJumpQRCode', { authorizer_appid: MERCHANT_A }), call('getJumpQRCode', { authorizer_appid: MERCHANT_B }), call('getJumpQRCode', { authorizer_appid: MERCHANT_A })]);
    expect(both.map((answer) => answer.json['errcode'])).toEqual([0, 0, 0]);
    const fetched = emulator.callsTo('cgi-bin/component/api_authorizer_token').slice(before);
    expect(fetched.map((entry) => (entry.body as Record<string, unknown>)['authorizer_appid'])).toEqual([MERCHANT_B]);
  });

  it('names the missing permission set (61007) and what the grant leaves out', async () => {
    const answer = await call('applyCodeQuery', { authorizer_appid: MERCHANT_A, isv_application_id: 'no-such' });
    expect(answer.json).toMatchObject({ errcode: 61007, category: 'setup' });
    expect(String(answer.json['hint'])).toContain('set 46');
    const info = await call('getAuthorizerInfo', { authorizer_appid: MERCHANT_A });
    expect(info.json).toMatchObject({ errcode: 0, stored: true, permission_sets: [18, 49], missing: [{ capability: 'market codes (一物一码)', permission_sets: [46] }] });
    expect(JSON.stringify(info.json)).not.toMatch(/refresh/i);
  });

  it('completes an authorization from the redirect\'s auth_code, once', async () => {
    await emulatorRequest(emulator, '__emulator/platforms', { component_appid: DEMO_PLATFORM.componentAppId, push_url: null });
    try {
      const granted = await authorizeMerchant(emulator, (await links()).preAuthCode, MERCHANT_B, [3, 46, 49, 64]);
      const first = await call('completeAuthorization', { auth_code: granted['auth_code'] });
      expect(first.json).toMatchObject({ errcode: 0, authorizer_appid: MERCHANT_B, permission_sets: [3, 46, 49, 64], missing: [] });
      const again = await call('completeAuthorization', { auth_code: granted['auth_code'] });
      expect(again.json).toMatchObject({ errcode: 61009 });
      // The re-authorization revoked B's earlier token; the stored one was forgotten: B works at once.
      expect((await call('getJumpQRCode', { authorizer_appid: MERCHANT_B })).json['errcode']).toBe(0);
    } finally {
      await emulatorRequest(emulator, '__emulator/platforms', { component_appid: DEMO_PLATFORM.componentAppId, push_url: `${gateway.url}/componentEvents` });
    }
  });

  it('lists the merchants, and recovers a lost refresh token from WeChat\'s list', async () => {
    const listed = await call('listAuthorizers', {});
    expect(listed.json).toMatchObject({ errcode: 0, total_count: 2 });
    expect(listed.json['list']).toEqual(expect.arrayContaining([expect.objectContaining({ authorizer_appid: MERCHANT_A, stored: true })]));
    expect(JSON.stringify(listed.json)).not.toContain('refresh_token');
    // The store loses A's authorization (a wiped collection, say): A cannot be served, then is recovered.
    const { json } = await emulatorRequest(emulator, '__emulator/revoke-tokens', { appid: MERCHANT_A });
    expect(json['revoked']).toBeGreaterThanOrEqual(1);
    const store = new CloudbaseTokenStore({ envId: STORE_ENV, serviceUrl: platformEnv(emulator, STORE_ENV)['WXOPEN_TCB_SERVICE_URL'], env: {} });
    await store.remove('wxopen_platform', `authorization:${DEMO_PLATFORM.componentAppId}:${MERCHANT_A}`);
    expect((await call('getJumpQRCode', { authorizer_appid: MERCHANT_A })).json).toMatchObject({ errcode: LOCAL.AUTHORIZER_UNKNOWN, field: 'authorizer_appid' });
    const recovered = await call('listAuthorizers', { recover: true });
    expect(recovered.json).toMatchObject({ errcode: 0, recovered: 1 });
    expect((await call('getJumpQRCode', { authorizer_appid: MERCHANT_A })).json['errcode']).toBe(0);
  });

  it('recovers from a refused refresh token (61023) with the one WeChat lists, once, and stores it', async () => {
    const store = new CloudbaseTokenStore({ envId: STORE_ENV, serviceUrl: platformEnv(emulator, STORE_ENV)['WXOPEN_TCB_SERVICE_URL'], env: {} });
    const key = `authorization:${DEMO_PLATFORM.componentAppId}:${MERCHANT_A}`;
    const current = (await store.get('wxopen_platform', key))?.fields['refreshToken'];
    await store.put('wxopen_platform', key, { refreshToken: 'refreshtoken@@@restored-from-an-old-backup' });
    await store.remove('wxopen_tokens', `authorizer:${DEMO_PLATFORM.componentAppId}:${MERCHANT_A}`);
    // The warm instance's own copy of the token is refused too, so the next call needs a new one.
    await emulatorRequest(emulator, '__emulator/revoke-tokens', { appid: MERCHANT_A });
    const before = emulator.callsTo('cgi-bin/component/api_authorizer_token').length;
    expect((await call('getJumpQRCode', { authorizer_appid: MERCHANT_A })).json['errcode']).toBe(0);
    expect(emulator.callsTo('cgi-bin/component/api_authorizer_token').slice(before).map((entry) => entry.errcode)).toEqual([61023, 0]);
    expect(emulator.callsTo('cgi-bin/component/api_get_authorizer_list').length).toBeGreaterThanOrEqual(1);
    const stored = (await store.get('wxopen_platform', key))?.fields['refreshToken'];
    expect(stored).not.toBe('refreshtoken@@@restored-from-an-old-backup');
    expect(typeof current).toBe('string');
  });

  it('forgets a merchant that revoked the platform (unauthorized push)', async () => {
    const revoked = await emulatorRequest(emulator, '__emulator/revoke-authorization', { component_appid: DEMO_PLATFORM.componentAppId, authorizer_appid: MERCHANT_B });
    expect((revoked.json['push'] as { ok?: boolean }).ok).toBe(true);
    const stored = await storedDocuments(emulator, STORE_ENV, 'wxopen_platform');
    expect(stored.some((doc) => doc['_id'] === `authorization:${DEMO_PLATFORM.componentAppId}:${MERCHANT_B}`)).toBe(false);
    const tokens = await storedDocuments(emulator, STORE_ENV, 'wxopen_tokens');
    expect(tokens.some((doc) => doc['_id'] === `authorizer:${DEMO_PLATFORM.componentAppId}:${MERCHANT_B}`)).toBe(false);
    expect((await call('getJumpQRCode', { authorizer_appid: MERCHANT_B })).json).toMatchObject({ errcode: LOCAL.AUTHORIZER_UNKNOWN });
  });

  it('refuses forged, tampered, misaddressed, stale and oversized pushes, storing nothing; a replay is acknowledged and not applied twice', async () => {
    const ticketDoc = async () => (await storedDocuments(emulator, STORE_ENV, 'wxopen_platform')).find((doc) => doc['_id'] === `ticket:${DEMO_PLATFORM.componentAppId}`);
    const before = await ticketDoc();
    const now = Math.floor(Date.now() / 1000);
    const ticket = (value: string, at = now) => ({ AppId: DEMO_PLATFORM.componentAppId, CreateTime: at, InfoType: 'component_verify_ticket', ComponentVerifyTicket: value });

    const forged = signedPush(ticket('ticket@@@forged'), { token: 'not-the-token' });
    expect(await push(forged.query, forged.body)).toEqual({ status: 401, text: 'refused' });
    const genuine = signedPush(ticket('ticket@@@tampered'));
    const flipped = genuine.body.replace(/<Encrypt><!\[CDATA\[(.)/, (_m, c: string) => `<Encrypt><![CDATA[${c === 'A' ? 'B' : 'A'}`);
    expect((await push(genuine.query, flipped)).status).toBe(401);
    const otherKey = signedPush(ticket('ticket@@@otherkey'), { aesKey: 'B'.repeat(43) });
    expect((await push(otherKey.query, otherKey.body)).status).toBe(401);
    const misaddressed = signedPush(ticket('ticket@@@other-platform'), { appId: 'wx9999999999999999' });
    expect((await push(misaddressed.query, misaddressed.body)).status).toBe(401);
    const stale = signedPush(ticket('ticket@@@stale', now - 3600), { timestamp: now - 3600 });
    expect((await push(stale.query, stale.body)).status).toBe(401);
    const huge = signedPush({ ...ticket('ticket@@@huge'), Padding: 'x'.repeat(200_000) });
    expect((await push(huge.query, huge.body)).status).toBe(413);
    expect((await push(genuine.query.replace('msg_signature=', 'msg_signature=0'), genuine.body)).status).toBe(400);
    expect((await push(genuine.query, '<xml><Encrypt>')).status).toBe(400);
    expect(await ticketDoc()).toEqual(before);
    process.stdout.write('push receiver: 8 hostile pushes (forged signature, tampered ciphertext, another key, another platform, stale, oversized, malformed signature, broken XML) refused, stored 0; a replay acknowledged and applied 0 times; a late older ticket kept out\n');

    const newer = signedPush(ticket('ticket@@@newer', now + 1));
    expect(await push(newer.query, newer.body)).toEqual({ status: 200, text: 'success' });
    expect((await ticketDoc())?.['ticket']).toBe('ticket@@@newer');
    const afterNewer = await ticketDoc();
    expect(await push(newer.query, newer.body)).toEqual({ status: 200, text: 'success' });
    expect(await ticketDoc()).toEqual(afterNewer);
    // A push of an older ticket (arriving late) never replaces a newer one.
    const late = signedPush(ticket('ticket@@@late', now - 60));
    expect(await push(late.query, late.body)).toEqual({ status: 200, text: 'success' });
    expect((await ticketDoc())?.['ticket']).toBe('ticket@@@newer');
  });

  it('lets no secret, token, ticket or refresh token reach a log line or an answer', async () => {
    const secrets = new Set<string>([DEMO_PLATFORM.secret, DEMO_PLATFORM.aesKey, HTTP_KEY]);
    for (const collection of ['wxopen_platform', 'wxopen_tokens']) {
      for (const doc of await storedDocuments(emulator, STORE_ENV, collection)) {
        for (const field of ['ticket', 'refreshToken', 'value']) if (typeof doc[field] === 'string') secrets.add(doc[field]);
      }
    }
    expect(secrets.size).toBeGreaterThan(5);
    expect(logLines.length).toBeGreaterThan(10);
    const printed = [...logLines, ...answers].join('\n');
    for (const secret of secrets) expect({ secret, found: printed.includes(secret) }).toEqual({ secret, found: false });
    expect(printed).toContain('componentEvents: push refused, nothing stored: msg_signature does not match');
  });
});
