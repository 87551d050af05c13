import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decryptMessage, messageSignature, signatureMatches } from '../../shared/component/message-crypto';
import { parsePushXml } from '../../shared/component/push-xml';
import { startEmulator, type Emulator } from '../../scripts/emulator';
import { DEMO_ENVS } from '../../scripts/emulator/cloud-envs';
import { DEMO_PLATFORM } from '../../scripts/emulator/platforms';
import { emulatorRequest, MINI_PROGRAM, SERVICE_ACCOUNT, UNRELEASED, useEmulator, type JsonReply } from '../support/emulator';

// The third-party platform side of the emulator over real HTTP: ticket pushes to a local receiver,
// component and authorizer tokens, the authorization flow (admin API and HTML page), permission
// sets, revocation, and componenttcb/* with a platform's token.

const PLATFORM = DEMO_PLATFORM.componentAppId;
const MINI_ENV = DEMO_ENVS[0]!.envId;
const SERVICE_ENV = DEMO_ENVS[1]!.envId;

/** One push as the receiver saw it, with its checks done. */
interface ReceivedPush {
  query: URLSearchParams;
  contentType: string | undefined;
  envelope: Record<string, string>;
  fields: Record<string, string>;
  signatureOk: boolean;
  msgSignatureOk: boolean;
}

/** A local stand-in for the platform's authorization-event URL: verifies, decrypts and records pushes. */
class Receiver {
  readonly pushes: ReceivedPush[] = [];
  reply = 'success';
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const query = new URL(request.url ?? '/', 'http://receiver.invalid').searchParams;
        const envelope = parsePushXml(Buffer.concat(chunks).toString('utf8'));
        const encrypt = envelope['Encrypt'] ?? '';
        const timestamp = query.get('timestamp') ?? '';
        const nonce = query.get('nonce') ?? '';
        this.pushes.push({
          query,
          contentType: request.headers['content-type'],
          envelope,
          fields: parsePushXml(decryptMessage(DEMO_PLATFORM.aesKey, encrypt, PLATFORM)),
          signatureOk: signatureMatches(query.get('signature') ?? '', messageSignature(DEMO_PLATFORM.token, timestamp, nonce)),
          msgSignatureOk: signatureMatches(query.get('msg_signature') ?? '', messageSignature(DEMO_PLATFORM.token, timestamp, nonce, encrypt)),
        });
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end(this.reply);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/wechat/events?from=emulator`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  ofType(infoType: string): ReceivedPush[] {
    return this.pushes.filter((push) => push.fields['InfoType'] === infoType);
  }

  last(infoType: string): ReceivedPush {
    const found = this.ofType(infoType);
    const push = found[found.length - 1];
    if (push === undefined) throw new Error(`no ${infoType} push received`);
    return push;
  }
}

const current = useEmulator();
const receiver = new Receiver();
let emulator: Emulator;

beforeAll(() => receiver.start());
afterAll(() => receiver.stop());

beforeEach(async () => {
  emulator = current();
  emulator.reset();
  receiver.pushes.length = 0;
  receiver.reply = 'success';
  await post('__emulator/platforms', { component_appid: PLATFORM, push_url: receiver.url });
});

function post(path: string, body: unknown): Promise<JsonReply> {
  return emulatorRequest(emulator, path, body);
}

async function get(path: string): Promise<JsonReply> {
  return emulatorRequest(emulator, path);
}

function advance(seconds: number): Promise<JsonReply> {
  return post('__emulator/clock', { advance_seconds: seconds });
}

/** Pushes a ticket through the control API; the ticket the receiver decrypted. */
async function pushedTicket(): Promise<string> {
  const answer = await post('__emulator/push-ticket', { component_appid: PLATFORM });
  expect(answer).toMatchObject({ status: 200, json: { push: { ok: true, status: 200, reply: 'success', info_type: 'component_verify_ticket' } } });
  return receiver.last('component_verify_ticket').fields['ComponentVerifyTicket'] ?? '';
}

async function componentToken(ticket?: string): Promise<string> {
  const { json } = await post('cgi-bin/component/api_component_token', {
    component_appid: PLATFORM,
    component_appsecret: DEMO_PLATFORM.secret,
    component_verify_ticket: ticket ?? (await pushedTicket()),
  });
  if (typeof json['component_access_token'] !== 'string') throw new Error(`no component token: ${JSON.stringify(json)}`);
  return json['component_access_token'];
}

async function preAuthCode(token: string): Promise<string> {
  const { json } = await post(`cgi-bin/component/api_create_preauthcode?component_access_token=${token}`, { component_appid: PLATFORM });
  expect(json).toMatchObject({ pre_auth_code: expect.stringMatching(/^preauthcode@@@/), expires_in: 600 });
  return String(json['pre_auth_code']);
}

/** Authorizes through the control API (what the page's button does); the authorization code. */
async function authorize(token: string, authorizerAppId: string, permissionSets?: number[]): Promise<string> {
  const answer = await post('__emulator/authorize', {
    component_appid: PLATFORM,
    pre_auth_code: await preAuthCode(token),
    authorizer_appid: authorizerAppId,
    ...(permissionSets === undefined ? {} : { permission_sets: permissionSets }),
  });
  expect(answer.status).toBe(200);
  return String(answer.json['auth_code']);
}

interface Authorized {
  accessToken: string;
  refreshToken: string;
  info: Record<string, unknown>;
}

async function queryAuth(token: string, code: string): Promise<Authorized> {
  const { json } = await post(`cgi-bin/component/api_query_auth?component_access_token=${token}`, { component_appid: PLATFORM, authorization_code: code });
  const info = json['authorization_info'] as Record<string, unknown> | undefined;
  if (info === undefined) throw new Error(`api_query_auth failed: ${JSON.stringify(json)}`);
  return { accessToken: String(info['authorizer_access_token']), refreshToken: String(info['authorizer_refresh_token']), info };
}

async function waitFor(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('component_verify_ticket pushes', () => {
  it('pushes a signed, encrypted ticket on request and logs it without the ticket', async () => {
    const ticket = await pushedTicket();
    expect(ticket).toMatch(/^ticket@@@/);
    const push = receiver.last('component_verify_ticket');
    expect(push.signatureOk).toBe(true);
    expect(push.msgSignatureOk).toBe(true);
    expect(push.query.get('encrypt_type')).toBe('aes');
    expect(push.query.get('from')).toBe('emulator'); // the push URL's own query is kept
    expect(Number(push.query.get('timestamp'))).toBe(Number(push.fields['CreateTime']));
    expect(push.contentType).toContain('text/xml');
    expect(push.envelope).toEqual({ AppId: PLATFORM, Encrypt: expect.any(String) });
    expect(push.fields).toEqual({ AppId: PLATFORM, CreateTime: expect.stringMatching(/^\d+$/), InfoType: 'component_verify_ticket', ComponentVerifyTicket: ticket });
    const log = await get('__emulator/pushes');
    expect(log.json['pushes']).toEqual([expect.objectContaining({ component_appid: PLATFORM, info_type: 'component_verify_ticket', status: 200, reply: 'success', ok: true })]);
    expect(JSON.stringify(log.json)).not.toContain(ticket);
    expect(JSON.stringify(log.json)).not.toContain(push.envelope['Encrypt']);
  });

  it('pushes on a timer, counts only "success" as delivered, and survives a dead receiver', async () => {
    await post('__emulator/platforms', { component_appid: PLATFORM, push_interval_seconds: 0.2 });
    await waitFor(() => receiver.ofType('component_verify_ticket').length >= 2, 'two timed pushes');
    const tickets = receiver.ofType('component_verify_ticket').map((push) => push.fields['ComponentVerifyTicket']);
    expect(new Set(tickets).size).toBe(tickets.length); // each push is a new ticket
    await post('__emulator/platforms', { component_appid: PLATFORM, push_interval_seconds: 0 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const settled = receiver.pushes.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(receiver.pushes.length).toBe(settled); // the timer stopped

    receiver.reply = 'ok thanks';
    expect((await post('__emulator/push-ticket', { component_appid: PLATFORM })).json).toMatchObject({ push: { ok: false, status: 200, reply: 'ok thanks' } });
    await post('__emulator/platforms', { component_appid: PLATFORM, push_url: 'http://127.0.0.1:9/nobody-listens' });
    const dead = await post('__emulator/push-ticket', { component_appid: PLATFORM });
    expect(dead.json).toMatchObject({ push: { ok: false, status: null, error: expect.any(String) } });
    await post('__emulator/platforms', { component_appid: PLATFORM, push_url: null });
    expect((await post('__emulator/push-ticket', { component_appid: PLATFORM })).status).toBe(400);
  });

  it('stops the timer when the emulator closes', async () => {
    const own = await startEmulator();
    await emulatorRequest(own, '__emulator/platforms', { component_appid: PLATFORM, push_url: receiver.url, push_interval_seconds: 0.1 });
    await waitFor(() => receiver.pushes.length >= 1, 'a timed push');
    await own.close();
    await new Promise((resolve) => setTimeout(resolve, 250));
    const settled = receiver.pushes.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(receiver.pushes.length).toBe(settled);
  });

  it('api_start_push_ticket checks the secret and pushes at once', async () => {
    expect((await post('cgi-bin/component/api_start_push_ticket', { component_appid: PLATFORM, component_secret: 'wrong' })).json).toMatchObject({ errcode: 40125 });
    expect((await post('cgi-bin/component/api_start_push_ticket', { component_appid: PLATFORM, component_secret: DEMO_PLATFORM.secret })).json).toEqual({ errcode: 0, errmsg: 'ok' });
    await waitFor(() => receiver.ofType('component_verify_ticket').length === 1, 'the started push');
  });
});

describe('component_access_token', () => {
  it('takes a pushed ticket for 12 hours and answers WeChat codes otherwise', async () => {
    const ticket = await pushedTicket();
    const ok = await post('cgi-bin/component/api_component_token', { component_appid: PLATFORM, component_appsecret: DEMO_PLATFORM.secret, component_verify_ticket: ticket });
    expect(ok.json).toEqual({ component_access_token: expect.any(String), expires_in: 7200 });
    const ask = (body: Record<string, unknown>) => post('cgi-bin/component/api_component_token', { component_appid: PLATFORM, component_appsecret: DEMO_PLATFORM.secret, component_verify_ticket: ticket, ...body });
    expect((await ask({ component_verify_ticket: 'ticket@@@made-up' })).json).toMatchObject({ errcode: 61006 });
    expect((await ask({ component_appsecret: 'wrong-secret' })).json).toMatchObject({ errcode: 40125, errmsg: expect.stringContaining('invalid appsecret') });
    expect((await ask({ component_appsecret: undefined })).json).toMatchObject({ errcode: 41004 });
    expect((await ask({ component_appid: 'wx0e0e0e0e0e0e0e0e' })).json).toMatchObject({ errcode: 61011 });
    await advance(12 * 3600 + 1);
    expect((await ask({})).json).toMatchObject({ errcode: 61005 });
    expect((await ask({ component_verify_ticket: await pushedTicket() })).json).toHaveProperty('component_access_token');
    // The call log keeps neither the secret nor the ticket.
    const calls = JSON.stringify((await get('__emulator/calls?path=cgi-bin/component/api_component_token')).json);
    expect(calls).not.toContain(DEMO_PLATFORM.secret);
    expect(calls).not.toContain(ticket);
    expect(calls).toContain('[redacted]');
  });

  it('keeps the previous token valid 5 minutes after a new one, then 40001; tokens expire after 2 h', async () => {
    const ticket = await pushedTicket();
    const first = await componentToken(ticket);
    const second = await componentToken(ticket);
    expect(second).not.toBe(first);
    const use = (token: string, param = 'component_access_token') => post(`cgi-bin/component/api_create_preauthcode?${param}=${token}`, { component_appid: PLATFORM });
    expect((await use(first)).json).toHaveProperty('pre_auth_code');
    expect((await use(first, 'access_token')).json).toHaveProperty('pre_auth_code');
    await advance(299);
    expect((await use(first)).json).toHaveProperty('pre_auth_code');
    await advance(2);
    expect((await use(first)).json).toMatchObject({ errcode: 40001 });
    expect((await use(second)).json).toHaveProperty('pre_auth_code');
    await advance(7200);
    expect((await use(second)).json).toMatchObject({ errcode: 42001 });
    expect((await post('cgi-bin/component/api_create_preauthcode', { component_appid: PLATFORM })).json).toMatchObject({ errcode: 41001 });
  });
});

describe('authorization', () => {
  it('pushes `authorized` with a code that api_query_auth takes once', async () => {
    const token = await componentToken();
    const code = await authorize(token, MINI_PROGRAM.appid);
    const push = receiver.last('authorized');
    expect(push.msgSignatureOk).toBe(true);
    expect(push.fields).toEqual({
      AppId: PLATFORM,
      CreateTime: expect.stringMatching(/^\d+$/),
      InfoType: 'authorized',
      AuthorizerAppid: MINI_PROGRAM.appid,
      AuthorizationCode: code,
      AuthorizationCodeExpiredTime: String(Number(push.fields['CreateTime']) + 600),
      PreAuthCode: expect.stringMatching(/^preauthcode@@@/),
    });
    const { info } = await queryAuth(token, code);
    expect(info).toEqual({
      authorizer_appid: MINI_PROGRAM.appid,
      authorizer_access_token: expect.any(String),
      expires_in: 7200,
      authorizer_refresh_token: expect.stringMatching(/^refreshtoken@@@/),
      func_info: [3, 18, 46, 49, 64].map((id) => ({ funcscope_category: { id } })),
    });
    const again = await post(`cgi-bin/component/api_query_auth?component_access_token=${token}`, { component_appid: PLATFORM, authorization_code: code });
    expect(again.json).toMatchObject({ errcode: 61009 });
    const calls = JSON.stringify((await get('__emulator/calls?path=cgi-bin/component/api_query_auth')).json);
    expect(calls).not.toContain(code);
  });

  it('refuses a used pre_auth_code and an expired authorization code (61010)', async () => {
    const token = await componentToken();
    const preAuth = await preAuthCode(token);
    expect((await post('__emulator/authorize', { component_appid: PLATFORM, pre_auth_code: preAuth, authorizer_appid: MINI_PROGRAM.appid })).status).toBe(200);
    const reused = await post('__emulator/authorize', { component_appid: PLATFORM, pre_auth_code: preAuth, authorizer_appid: SERVICE_ACCOUNT.appid });
    expect(reused).toMatchObject({ status: 400, json: { error: expect.stringContaining('already used') } });
    const code = await authorize(token, SERVICE_ACCOUNT.appid);
    await advance(601);
    const fresh = await componentToken();
    expect((await post(`cgi-bin/component/api_query_auth?component_access_token=${fresh}`, { component_appid: PLATFORM, authorization_code: code })).json).toMatchObject({ errcode: 61010 });
  });

  it('rotates the refresh token: the previous one works 5 more minutes, then 61023', async () => {
    const token = await componentToken();
    const first = await queryAuth(token, await authorize(token, MINI_PROGRAM.appid));
    const refresh = (refreshToken: string, authorizerAppId = MINI_PROGRAM.appid) =>
      post(`cgi-bin/component/api_authorizer_token?component_access_token=${token}`, { component_appid: PLATFORM, authorizer_appid: authorizerAppId, authorizer_refresh_token: refreshToken });
    const rotated = await refresh(first.refreshToken);
    expect(rotated.json).toEqual({ authorizer_access_token: expect.any(String), expires_in: 7200, authorizer_refresh_token: expect.stringMatching(/^refreshtoken@@@/) });
    expect(rotated.json['authorizer_refresh_token']).not.toBe(first.refreshToken);
    await advance(200);
    const again = await refresh(first.refreshToken);
    expect(again.json).toHaveProperty('authorizer_access_token');
    const latest = String(again.json['authorizer_refresh_token']);
    await advance(101);
    expect((await refresh(first.refreshToken)).json).toMatchObject({ errcode: 61023 });
    expect((await refresh('refreshtoken@@@made-up')).json).toMatchObject({ errcode: 61023 });
    expect((await refresh(latest)).json).toHaveProperty('authorizer_access_token');
    expect((await refresh(latest, UNRELEASED.appid)).json).toMatchObject({ errcode: 61003 });
    const calls = JSON.stringify((await get('__emulator/calls?path=cgi-bin/component/api_authorizer_token')).json);
    expect(calls).not.toContain(latest);
    expect(calls).not.toContain(first.refreshToken);
  });

  it('authorizer tokens work on the merchant APIs its permission sets cover, else 61007', async () => {
    const token = await componentToken();
    const mini = await queryAuth(token, await authorize(token, MINI_PROGRAM.appid));
    expect((await post(`cgi-bin/wxopen/qrcodejumpget?access_token=${mini.accessToken}`, {})).json).toMatchObject({ errcode: 0 });
    const marketOnly = await queryAuth(token, await authorize(token, UNRELEASED.appid, [46]));
    expect(marketOnly.info['func_info']).toEqual([{ funcscope_category: { id: 46 } }]);
    expect((await post(`cgi-bin/wxopen/qrcodejumpget?access_token=${marketOnly.accessToken}`, {})).json).toMatchObject({ errcode: 61007, errmsg: expect.stringContaining('api is unauthorized to component') });
    // set 18 alone is enough for QR-code jump rules
    const reauthorized = await queryAuth(token, await authorize(token, UNRELEASED.appid, [18]));
    expect((await post(`cgi-bin/wxopen/qrcodejumpget?access_token=${reauthorized.accessToken}`, {})).json).toMatchObject({ errcode: 0 });
  });

  it('re-authorization pushes `updateauthorized`, changes the refresh token and revokes earlier authorizer tokens', async () => {
    const token = await componentToken();
    const first = await queryAuth(token, await authorize(token, MINI_PROGRAM.appid));
    const second = await queryAuth(token, await authorize(token, MINI_PROGRAM.appid, [3]));
    expect(receiver.last('updateauthorized').fields['AuthorizerAppid']).toBe(MINI_PROGRAM.appid);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await post(`cgi-bin/wxopen/qrcodejumpget?access_token=${first.accessToken}`, {})).json).toMatchObject({ errcode: 40001 });
    expect((await post(`cgi-bin/wxopen/qrcodejumpget?access_token=${second.accessToken}`, {})).json).toMatchObject({ errcode: 0 });
    const old = await post(`cgi-bin/component/api_authorizer_token?component_access_token=${token}`, { component_appid: PLATFORM, authorizer_appid: MINI_PROGRAM.appid, authorizer_refresh_token: first.refreshToken });
    expect(old.json).toMatchObject({ errcode: 61023 });
  });

  it('revocation pushes `unauthorized` and revokes the authorizer tokens', async () => {
    const token = await componentToken();
    const mini = await queryAuth(token, await authorize(token, MINI_PROGRAM.appid));
    const revoked = await post('__emulator/revoke-authorization', { component_appid: PLATFORM, authorizer_appid: MINI_PROGRAM.appid });
    expect(revoked.json).toMatchObject({ revoked_tokens: 1, push: { ok: true, info_type: 'unauthorized', authorizer_appid: MINI_PROGRAM.appid } });
    expect(receiver.last('unauthorized').fields).toEqual({ AppId: PLATFORM, CreateTime: expect.any(String), InfoType: 'unauthorized', AuthorizerAppid: MINI_PROGRAM.appid });
    expect((await post(`cgi-bin/wxopen/qrcodejumpget?access_token=${mini.accessToken}`, {})).json).toMatchObject({ errcode: 40001 });
    const refresh = await post(`cgi-bin/component/api_authorizer_token?component_access_token=${token}`, { component_appid: PLATFORM, authorizer_appid: MINI_PROGRAM.appid, authorizer_refresh_token: mini.refreshToken });
    expect(refresh.json).toMatchObject({ errcode: 61003 });
    expect((await post('__emulator/revoke-authorization', { component_appid: PLATFORM, authorizer_appid: MINI_PROGRAM.appid })).status).toBe(400);
  });
});

describe('authorizer info and list', () => {
  it('describes an authorizer and lists them by page (count 1..500)', async () => {
    const token = await componentToken();
    for (const appid of [MINI_PROGRAM.appid, SERVICE_ACCOUNT.appid, UNRELEASED.appid]) await authorize(token, appid);
    const info = await post(`cgi-bin/component/api_get_authorizer_info?component_access_token=${token}`, { component_appid: PLATFORM, authorizer_appid: SERVICE_ACCOUNT.appid });
    expect(info.json).toMatchObject({
      authorizer_info: { nick_name: expect.any(String), user_name: expect.stringMatching(/^gh_[0-9a-f]{12}$/), principal_name: expect.any(String), service_type_info: { id: 2 } },
      authorization_info: { authorizer_appid: SERVICE_ACCOUNT.appid, authorizer_refresh_token: expect.any(String), func_info: expect.arrayContaining([{ funcscope_category: { id: 49 } }]) },
    });
    const mini = await post(`cgi-bin/component/api_get_authorizer_info?component_access_token=${token}`, { component_appid: PLATFORM, authorizer_appid: MINI_PROGRAM.appid });
    expect(mini.json['authorizer_info']).toHaveProperty('MiniProgramInfo');
    const list = (offset: number, count: number) => post(`cgi-bin/component/api_get_authorizer_list?component_access_token=${token}`, { component_appid: PLATFORM, offset, count });
    const page1 = await list(0, 2);
    expect(page1.json).toMatchObject({ errcode: 0, total_count: 3 });
    expect(page1.json['list']).toEqual([
      { authorizer_appid: MINI_PROGRAM.appid, refresh_token: expect.stringMatching(/^refreshtoken@@@/), auth_time: expect.any(Number) },
      { authorizer_appid: SERVICE_ACCOUNT.appid, refresh_token: expect.any(String), auth_time: expect.any(Number) },
    ]);
    expect((await list(2, 2)).json['list']).toEqual([expect.objectContaining({ authorizer_appid: UNRELEASED.appid })]);
    expect((await list(3, 2)).json).toMatchObject({ total_count: 3, list: [] });
    expect((await list(0, 501)).json).toMatchObject({ errcode: 40097 });
    expect((await list(0, 0)).json).toMatchObject({ errcode: 40097 });
    expect((await list(0, 500)).json).toMatchObject({ total_count: 3 });
  });
});

describe('componenttcb with a platform token', () => {
  it("acts on an authorizing merchant's env, -501007 on anyone else's, 61007 without a CloudBase set", async () => {
    const token = await componentToken();
    const store = (env: string, param = 'component_access_token') => post(`componenttcb/describestaticstore?${param}=${token}`, { env });
    expect((await store(MINI_ENV)).json).toMatchObject({ errcode: -501007 });
    await authorize(token, MINI_PROGRAM.appid);
    expect((await store(MINI_ENV)).json).toMatchObject({ errcode: 0, data: [{ env: MINI_ENV, status: 'online' }] });
    expect((await store(MINI_ENV, 'access_token')).json).toMatchObject({ errcode: 0 });
    expect((await store(SERVICE_ENV)).json).toMatchObject({ errcode: -501007 });
    await authorize(token, SERVICE_ACCOUNT.appid, [3]);
    expect((await store(SERVICE_ENV)).json).toMatchObject({ errcode: 61007 });
    // A component token the admin API issues for a Mini Program keeps working as before.
    const legacy = String((await post('__emulator/issue-token', { appid: MINI_PROGRAM.appid, kind: 'component' })).json['token']);
    expect((await post(`componenttcb/describestaticstore?access_token=${legacy}`, { env: MINI_ENV })).json).toMatchObject({ errcode: 0 });
    expect((await post(`componenttcb/describestaticstore?access_token=${legacy}`, { env: SERVICE_ENV })).json).toMatchObject({ errcode: -501007 });
  });
});

describe('the authorization page', () => {
  async function page(path: string): Promise<{ status: number; html: string; type: string | null }> {
    const response = await fetch(`${emulator.url}${path}`);
    return { status: response.status, html: await response.text(), type: response.headers.get('content-type') };
  }

  function pageQuery(code: string, extra: Record<string, string> = {}): string {
    return new URLSearchParams({ component_appid: PLATFORM, pre_auth_code: code, redirect_uri: 'https://merchant.example.com/done?step=2', ...extra }).toString();
  }

  it('names the platform (escaped), offers the right accounts, and redirects with auth_code on submit', async () => {
    await post('__emulator/platforms', { component_appid: PLATFORM, name: '<b>Tom & "Jerry"</b>' });
    const token = await componentToken();
    const code = await preAuthCode(token);
    const shown = await page(`/cgi-bin/componentloginpage?${pageQuery(code)}`);
    expect(shown.status).toBe(200);
    expect(shown.type).toContain('text/html');
    expect(shown.html).toContain('&#60;b&#62;Tom &#38; &#34;Jerry&#34;&#60;/b&#62;');
    expect(shown.html).not.toContain('<b>Tom');
    for (const account of [MINI_PROGRAM, SERVICE_ACCOUNT, UNRELEASED]) expect(shown.html).toContain(`value="${account.appid}"`);
    for (const id of [3, 18, 46, 49, 64]) expect(shown.html).toContain(`name="permission_set" value="${id}" checked`);
    const services = await page(`/cgi-bin/componentloginpage?${pageQuery(code, { auth_type: '1' })}`);
    expect(services.html).toContain(`value="${SERVICE_ACCOUNT.appid}"`);
    expect(services.html).not.toContain(`value="${MINI_PROGRAM.appid}"`);
    const minis = await page(`/safe/bindcomponent?action=bindcomponent&no_scan=1&${pageQuery(code, { auth_type: '2' })}`);
    expect(minis.status).toBe(200);
    expect(minis.html).toContain(`value="${MINI_PROGRAM.appid}"`);
    expect(minis.html).not.toContain(`value="${SERVICE_ACCOUNT.appid}"`);
    const pinned = await page(`/wxaopen/safe/bindcomponent?action=bindcomponent&${pageQuery(code, { biz_appid: UNRELEASED.appid })}`);
    expect(pinned.html).toContain(`value="${UNRELEASED.appid}"`);
    expect(pinned.html).not.toContain(`value="${MINI_PROGRAM.appid}"`);
    expect(shown.html).toContain('action="/__authorize"');

    const form = new URLSearchParams({ component_appid: PLATFORM, pre_auth_code: code, redirect_uri: 'https://merchant.example.com/done?step=2', auth_type: '3', biz_appid: '', authorizer_appid: MINI_PROGRAM.appid });
    for (const id of [3, 49]) form.append('permission_set', String(id));
    const submitted = await fetch(`${emulator.url}/__authorize`, { method: 'POST', body: form, redirect: 'manual' });
    expect(submitted.status).toBe(302);
    const location = new URL(submitted.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe('https://merchant.example.com/done');
    expect(location.searchParams.get('step')).toBe('2');
    expect(location.searchParams.get('expires_in')).toBe('600');
    const authCode = location.searchParams.get('auth_code') ?? '';
    expect(receiver.last('authorized').fields['AuthorizationCode']).toBe(authCode);
    const { info } = await queryAuth(token, authCode);
    expect(info['func_info']).toEqual([{ funcscope_category: { id: 3 } }, { funcscope_category: { id: 49 } }]);

    const used = await fetch(`${emulator.url}/__authorize`, { method: 'POST', body: form, redirect: 'manual' });
    expect(used.status).toBe(400);
    expect((await page(`/cgi-bin/componentloginpage?${pageQuery(code)}`)).status).toBe(400);
  });

  it('answers an HTML error page with status 400 for a bad pre_auth_code, platform or redirect_uri', async () => {
    const made = await page(`/cgi-bin/componentloginpage?${pageQuery('preauthcode@@@<script>alert(1)</script>')}`);
    expect(made.status).toBe(400);
    expect(made.type).toContain('text/html');
    expect(made.html).not.toContain('<script>');
    const token = await componentToken();
    const code = await preAuthCode(token);
    expect((await page(`/cgi-bin/componentloginpage?${pageQuery(code, { component_appid: 'wx0e0e0e0e0e0e0e0e' })}`)).status).toBe(400);
    expect((await page(`/cgi-bin/componentloginpage?${pageQuery(code, { redirect_uri: 'javascript:alert(1)' })}`)).status).toBe(400);
    expect((await page(`/safe/bindcomponent?${pageQuery(code)}`)).status).toBe(400); // action missing
    await advance(601);
    expect((await page(`/cgi-bin/componentloginpage?${pageQuery(code)}`)).status).toBe(400);
  });
});

describe('the platforms control API', () => {
  it('registers and lists platforms without secrets', async () => {
    const body = { component_appid: 'wx0f0f0f0f0f0f0f0f', secret: 'another-secret-000', token: 'otherToken', aes_key: 'B'.repeat(43), name: 'Other Provider' };
    expect((await post('__emulator/platforms', { ...body, aes_key: 'short' })).status).toBe(400);
    expect((await post('__emulator/platforms', { component_appid: 'wx0f0f0f0f0f0f0f0f' })).status).toBe(400); // a new one needs its secrets
    expect((await post('__emulator/platforms', { ...body, component_appid: MINI_PROGRAM.appid })).status).toBe(400);
    const listed = await post('__emulator/platforms', body);
    expect(listed.status).toBe(200);
    const text = JSON.stringify(listed.json);
    for (const secret of [body.secret, body.token, body.aes_key, DEMO_PLATFORM.secret, DEMO_PLATFORM.aesKey]) expect(text).not.toContain(secret);
    expect(listed.json['platforms']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ component_appid: PLATFORM, name: DEMO_PLATFORM.name, push_url: expect.any(String) }),
        expect.objectContaining({ component_appid: body.component_appid, name: 'Other Provider', push_url: null, push_interval_seconds: 600 }),
      ]),
    );
    const ticketless = await post('cgi-bin/component/api_component_token', { component_appid: body.component_appid, component_appsecret: body.secret, component_verify_ticket: await pushedTicket() });
    expect(ticketless.json).toMatchObject({ errcode: 61006 }); // the demo platform's ticket is not this one's
  });
});
