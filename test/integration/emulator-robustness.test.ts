import type { Emulator } from '../../scripts/emulator';
import { DEMO_ENVS } from '../../scripts/emulator/cloud-envs';
import { DEMO_PLATFORM } from '../../scripts/emulator/platforms';
import { emulatorRequest, MINI_PROGRAM, requestWithHost, SERVICE_ACCOUNT, stableToken, useEmulator } from '../support/emulator';

// Wrong types everywhere: every API route answers a WeChat-style error (HTTP 200, numeric errcode)
// and every admin endpoint a 200 or a 400 with a JSON reason; never a 500, never a hang.

const current = useEmulator();
let emulator: Emulator;

beforeEach(() => {
  emulator = current();
  emulator.reset();
});

/** Put in every field at once (one request per case: parsing it is what costs). */
const HUGE = 'x'.repeat(100_000);
/** Wrong-typed values put in place of each field of a plausible request, one field at a time. */
const WRONG: readonly unknown[] = [[], [[1], { a: 1 }], { a: { b: { c: [] } } }, 12345678901234567890, 1e300, -1, 1.5, 0, 'x'.repeat(5000), true, null, '', '../../etc/passwd'];

function everyField(fields: readonly string[], value: unknown): string {
  return JSON.stringify(Object.fromEntries(fields.map((field) => [field, value])));
}
/** Bodies that are not JSON objects at all. */
const NOT_OBJECTS: readonly string[] = ['[]', '1', '"text"', 'null', 'true', '{', '{"a":', '\u0000'];

type Caller = 'mini' | 'service' | 'mini-component' | 'service-component' | 'platform' | 'none';

/** Plausible requests per API route (fields filled so that a wrong one is reached, not the first check). */
function baselines(applicationId: string): Record<string, Array<{ as: Caller; body: Record<string, unknown> }>> {
  const env = DEMO_ENVS[0]!.envId;
  const serviceEnv = DEMO_ENVS[1]!.envId;
  const rule = { prefix: 'https://shop.example.com/qr/', permit_sub_rule: 1, path: 'pages/a/a', open_version: 3, debug_url: ['https://shop.example.com/qr/1'], is_edit: 0 };
  const range = { application_id: applicationId, code_start: 0, code_end: 9999 };
  return {
    'cgi-bin/stable_token': [{ as: 'none', body: { grant_type: 'client_credential', appid: MINI_PROGRAM.appid, secret: MINI_PROGRAM.secret, force_refresh: false } }],
    // Its parameters are in the query string: a POSTed body is never read, so every body gets 40002.
    'cgi-bin/token': [{ as: 'none', body: { grant_type: 'client_credential', appid: MINI_PROGRAM.appid, secret: MINI_PROGRAM.secret } }],
    'cgi-bin/wxopen/qrcodejumpdownload': [{ as: 'mini', body: {} }],
    'cgi-bin/wxopen/qrcodejumpadd': [
      { as: 'mini', body: rule },
      { as: 'service', body: { prefix: 'http://weixin.qq.com/q/0a', appid: MINI_PROGRAM.appid, path: 'pages/a/a', is_edit: 0 } },
    ],
    'cgi-bin/wxopen/qrcodejumpget': [
      { as: 'mini', body: {} },
      { as: 'service', body: { appid: MINI_PROGRAM.appid, get_type: 1, prefix_list: ['http://weixin.qq.com/q/0a'] } },
      { as: 'service', body: { appid: MINI_PROGRAM.appid, get_type: 2, page_num: 1, page_size: 10 } },
    ],
    'cgi-bin/wxopen/qrcodejumpdelete': [{ as: 'mini', body: { prefix: rule.prefix } }, { as: 'service', body: { prefix: 'http://weixin.qq.com/q/0a', appid: MINI_PROGRAM.appid } }],
    'cgi-bin/wxopen/qrcodejumppublish': [{ as: 'mini', body: { prefix: rule.prefix } }],
    'tcb/batchdownloadfile': [{ as: 'mini', body: { env, file_list: [{ fileid: `cloud://${env}.x/a.png`, max_age: 7200 }] } }],
    'tcb/uploadfile': [{ as: 'mini', body: { env, path: 'a/b.png' } }],
    'componenttcb/staticuploadfile': [{ as: 'mini-component', body: { env, filename: 'qr/a.txt' } }],
    'componenttcb/staticfilelist': [{ as: 'mini-component', body: { env, prefix: 'qr/', delimiter: '/', marker: '', max_keys: 10 } }],
    'componenttcb/describestaticstore': [{ as: 'service-component', body: { env: serviceEnv } }],
    'componenttcb/staticdeletefile': [{ as: 'mini-component', body: { env, filename: 'site/old.js' } }],
    'intp/marketcode/applycode': [{ as: 'service', body: { code_count: 10000, isv_application_id: 'fuzz-2' } }],
    'intp/marketcode/applycodequery': [{ as: 'service', body: { application_id: applicationId } }, { as: 'service', body: { isv_application_id: 'fuzz-1' } }],
    'intp/marketcode/applycodedownload': [{ as: 'service', body: range }],
    'intp/marketcode/codeactive': [
      {
        as: 'service',
        body: { ...range, activity_name: 'a', product_brand: 'b', product_title: 'c', product_code: '6900000000000', wxa_appid: MINI_PROGRAM.appid, wxa_path: 'pages/a/a', wxa_type: 0 },
      },
    ],
    'intp/marketcode/codeactivequery': [{ as: 'service', body: { application_id: applicationId, code_index: 1 } }, { as: 'service', body: { code: 'ABCDEFGHI' } }, { as: 'service', body: { code_url: 'P.URL.CN/0U.X' } }],
    'intp/marketcode/tickettocode': [{ as: 'service', body: { openid: 'o-1', code_ticket: 'ticket' } }],
    'cgi-bin/component/api_component_token': [
      { as: 'none', body: { component_appid: DEMO_PLATFORM.componentAppId, component_appsecret: DEMO_PLATFORM.secret, component_verify_ticket: 'ticket@@@fuzz' } },
    ],
    'cgi-bin/component/api_start_push_ticket': [{ as: 'none', body: { component_appid: DEMO_PLATFORM.componentAppId, component_secret: DEMO_PLATFORM.secret } }],
    'cgi-bin/component/api_create_preauthcode': [{ as: 'platform', body: { component_appid: DEMO_PLATFORM.componentAppId } }],
    'cgi-bin/component/api_query_auth': [{ as: 'platform', body: { component_appid: DEMO_PLATFORM.componentAppId, authorization_code: 'queryauthcode@@@fuzz' } }],
    'cgi-bin/component/api_authorizer_token': [
      { as: 'platform', body: { component_appid: DEMO_PLATFORM.componentAppId, authorizer_appid: MINI_PROGRAM.appid, authorizer_refresh_token: 'refreshtoken@@@fuzz' } },
    ],
    'cgi-bin/component/api_get_authorizer_info': [{ as: 'platform', body: { component_appid: DEMO_PLATFORM.componentAppId, authorizer_appid: MINI_PROGRAM.appid } }],
    'cgi-bin/component/api_get_authorizer_list': [{ as: 'platform', body: { component_appid: DEMO_PLATFORM.componentAppId, offset: 0, count: 10 } }],
  };
}

/** Plausible requests per admin endpoint (reset aside), each field then given every wrong value. */
function adminBaselines(): Record<string, Record<string, unknown>> {
  const env = DEMO_ENVS[0]!.envId;
  return {
    calls: { path: 'cgi-bin/wxopen/qrcodejumpget' },
    faults: { path: 'nowhere', type: 'errcode', errcode: -1, errmsg: 'system error', times: 1, after: 0, delay_ms: 0, status: 502 },
    'fault-rate': { rate: 0, seed: 1, paths: ['nowhere'], faults: [{ type: 'drop' }] },
    accounts: { appid: 'wx9999999999999999', secret: 'fuzz-secret', type: 'miniprogram', released: true, linked_mini_programs: [], marketcode_key: '0123456789abcdef' },
    'revoke-tokens': { appid: 'wx9999999999999999', token: 'nope' },
    clock: { advance_seconds: 0 },
    settings: { qrcodeJumpRatePerSecond: 0, tokenTtlSeconds: 7200, marketcodeFinishDelaySeconds: 0, verification: 'strict', hostingPropagationMs: 0 },
    'issue-token': { appid: MINI_PROGRAM.appid, kind: 'access', ttl_seconds: 60 },
    'verified-hosts': { host: 'a.example.com' },
    'hosting-domains': { env, domain: 'b.example.com' },
    'storage-put': { env, path: 'a.txt', content_base64: 'YQ==', content_type: 'text/plain' },
    'static-upload-faults': { url_base: 'https://evil.example.com', ttl_seconds: 60, wrong_token: false },
    marketcode: { next_application_id: '100' },
    'marketcode-scan': { openid: 'o-1', application_id: '1', code_index: 0 },
    'marketcode-package': { buffer: 'YQ==', application_id: '1', code_start: 0, code_end: 9 },
    database: { env, collection: 'tokens' },
    // Port 9 (discard) refuses at once: the fuzz never waits on a push.
    platforms: {
      component_appid: 'wx0d0d0d0d0d0d0d0d',
      secret: 'fuzz-component-secret',
      token: 'fuzzToken',
      aes_key: 'A'.repeat(43),
      name: 'Fuzz Platform',
      push_url: 'http://127.0.0.1:9/push',
      push_interval_seconds: 600,
    },
    authorize: { component_appid: DEMO_PLATFORM.componentAppId, pre_auth_code: 'preauthcode@@@fuzz', authorizer_appid: MINI_PROGRAM.appid, permission_sets: [3, 18], redirect_uri: 'https://a.example.com/cb' },
    'revoke-authorization': { component_appid: DEMO_PLATFORM.componentAppId, authorizer_appid: MINI_PROGRAM.appid },
    'push-ticket': { component_appid: DEMO_PLATFORM.componentAppId },
    pushes: { component_appid: DEMO_PLATFORM.componentAppId },
    // The emulator console's data and its fault switch (modules/emulator-console.ts).
    console: {},
    'faults-off': { path: 'nowhere', type: 'errcode' },
  };
}

/** Runs `jobs` with a few in flight at once. */
async function inParallel<T>(items: readonly T[], run: (item: T) => Promise<void>, width = 8): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await run(items[next++] as T);
  }));
}

async function send(path: string, raw: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${emulator.url}/${path}`, { method: 'POST', body: raw, headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(5000) });
  return { status: response.status, text: await response.text() };
}

function parsed(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

it('every API route answers wrong types with a WeChat-style error, never a 500 or a hang', async () => {
  emulator.settings.qrcodeJumpRatePerSecond = 0;
  emulator.settings.marketcodeFinishDelaySeconds = 0;
  const tokens: Record<Caller, string> = {
    mini: await stableToken(emulator, MINI_PROGRAM),
    service: await stableToken(emulator, SERVICE_ACCOUNT),
    'mini-component': String((await emulatorRequest(emulator, '__emulator/issue-token', { appid: MINI_PROGRAM.appid, kind: 'component' })).json['token']),
    'service-component': String((await emulatorRequest(emulator, '__emulator/issue-token', { appid: SERVICE_ACCOUNT.appid, kind: 'component' })).json['token']),
    // A platform gets its token with a pushed ticket; the fuzz has no receiver, so it is issued directly.
    platform: emulator.tokens.issue(DEMO_PLATFORM.componentAppId, 'component').value,
    none: '',
  };
  const applied = await emulatorRequest(emulator, `intp/marketcode/applycode?access_token=${tokens.service}`, { code_count: 10000, isv_application_id: 'fuzz-1' });
  const table = baselines(String(applied.json['application_id']));
  // A new route must get a line in the table, so it is fuzzed too.
  expect(Object.keys(table).sort()).toEqual(emulator.routeList().map((route) => route.path).sort());

  const requests: Array<{ path: string; raw: string }> = [];
  for (const [route, cases] of Object.entries(table)) {
    for (const { as, body } of cases) {
      const path = as === 'none' ? route : `${route}?access_token=${tokens[as]}`;
      for (const raw of NOT_OBJECTS) requests.push({ path, raw });
      requests.push({ path, raw: everyField(Object.keys(body), HUGE) });
      for (const [field, good] of Object.entries(body)) {
        for (const wrong of WRONG) requests.push({ path, raw: JSON.stringify({ ...body, [field]: wrong }) });
        if (Array.isArray(good) && typeof good[0] === 'object') {
          for (const [inner] of Object.entries(good[0] as object)) {
            for (const wrong of WRONG) requests.push({ path, raw: JSON.stringify({ ...body, [field]: [{ ...(good[0] as object), [inner]: wrong }] }) });
          }
        }
      }
    }
  }
  const bad: string[] = [];
  await inParallel(requests, async ({ path, raw }) => {
    const { status, text } = await send(path, raw);
    const json = parsed(text);
    // Success answers of stable_token carry no errcode; every other answer does.
    const wechatStyle = status === 200 && json !== undefined && (json['errcode'] === undefined ? 'access_token' in json : typeof json['errcode'] === 'number' && typeof json['errmsg'] === 'string');
    if (!wechatStyle) bad.push(`${path.split('?')[0]} ${raw.slice(0, 120)} → ${status} ${text.slice(0, 200)}`);
  });
  expect(bad).toEqual([]);
  expect(requests.length).toBeGreaterThan(900);
});

it('every admin endpoint answers wrong types with 200 or a 400 JSON reason, never a 500', async () => {
  const table = adminBaselines();
  // A new endpoint must get a line in the table, so it is fuzzed too.
  expect(Object.keys(table).sort()).toEqual(emulator.adminList().filter((name) => name !== 'reset').sort());
  const requests: Array<{ path: string; raw: string }> = [];
  for (const [name, body] of Object.entries(table)) {
    const path = `__emulator/${name}`;
    for (const raw of NOT_OBJECTS) requests.push({ path, raw });
    requests.push({ path, raw: everyField(Object.keys(body), HUGE) });
    for (const field of Object.keys(body)) for (const wrong of WRONG) requests.push({ path, raw: JSON.stringify({ ...body, [field]: wrong }) });
  }
  const bad: string[] = [];
  await inParallel(requests, async ({ path, raw }) => {
    const { status, text } = await send(path, raw);
    const json = parsed(text);
    const fine = (status === 200 && json !== undefined) || (status === 400 && typeof json?.['error'] === 'string');
    if (!fine) bad.push(`${path} ${raw.slice(0, 120)} → ${status} ${text.slice(0, 200)}`);
  });
  expect(bad).toEqual([]);
  // Nothing absurd was accepted on the way (a clock pushed past the year 275760, say): the API still answers.
  emulator.faults.clear(); // some were queued on purpose ({path: null} means every path)
  Object.assign(emulator.settings, { tokenTtlSeconds: 7200, qrcodeJumpRatePerSecond: 0 });
  emulator.tokens.ttlSeconds = 7200;
  const token = await stableToken(emulator);
  const answer = await emulatorRequest(emulator, `cgi-bin/wxopen/qrcodejumpget?access_token=${token}`, {});
  expect(answer).toMatchObject({ status: 200, json: { errcode: 0 } });
});

describe('a malformed Host header', () => {
  it('does not break API calls, admin calls or the hosting stand-in', async () => {
    for (const host of ['a b', '[::1', 'x:notaport', '%']) {
      const token = await requestWithHost(emulator, '/cgi-bin/stable_token', host, JSON.stringify({ grant_type: 'client_credential', appid: MINI_PROGRAM.appid, secret: MINI_PROGRAM.secret }));
      expect(token.status).toBe(200);
      expect(JSON.parse(token.text)).toMatchObject({ access_token: expect.any(String), expires_in: expect.any(Number) });
      expect((await requestWithHost(emulator, '/__emulator/accounts', host)).status).toBe(200);
      expect((await requestWithHost(emulator, `/__hosting/${DEMO_ENVS[0]!.envId}/missing.txt`, host)).status).toBe(404);
    }
  });
});
