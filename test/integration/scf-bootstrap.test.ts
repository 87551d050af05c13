import { startEmulator, type Emulator } from '../../scripts/emulator';
import { verificationFileOf } from '../../scripts/emulator/accounts';
import { functionNames } from '../../scripts/function-catalogue';
import { MINI_PROGRAM, HTTP_KEY, ADMIN_OPENID } from '../support/emulator';
import { httpEvent } from '../support/events';
import { runInBootstrap, withConcurrency, type BootstrapOutcome } from '../support/scf-bootstrap';

/**
 * Every built bundle, loaded and called by the TCB runtime's own Node bootstrap (shipped in
 * @cloudbase/cli), offline: the handler name, the CommonJS export, the answer's JSON round trip and
 * the per-call environment all go through the platform's code, not ours.
 */

const OFFLINE = {
  // Nothing listens there: a function that tried the network would fail with 990008, not answer 990001.
  WXOPEN_API_BASE: 'http://127.0.0.1:9',
  WXOPEN_APPID: MINI_PROGRAM.appid,
  WXOPEN_APPSECRET: MINI_PROGRAM.secret,
};

function resultOf(outcome: BootstrapOutcome): Record<string, unknown> {
  if (outcome.kind !== 'result') throw new Error(`expected a result, got ${outcome.kind}: ${outcome.stdout}\n${outcome.stderr}`);
  return outcome.value as Record<string, unknown>;
}

describe('every bundle under the CLI bootstrap', () => {
  it('answers an input with an unknown field with 990001 naming a field, before any network call', async () => {
    const names = functionNames();
    expect(names.length).toBeGreaterThan(0);
    const outcomes = await withConcurrency(names, 2, (name) =>
      runInBootstrap(name, { event: { __not_a_field__: 1 }, env: OFFLINE }),
    );
    for (const [index, outcome] of outcomes.entries()) {
      const answer = resultOf(outcome);
      expect({ name: names[index], errcode: answer['errcode'], category: answer['category'] }).toEqual({ name: names[index], errcode: 990001, category: 'input' });
      expect(typeof answer['field']).toBe('string');
      expect(String(answer['errmsg']).startsWith(`${String(answer['field'])}: `)).toBe(true);
    }
  });

  it('reports a failed invocation the platform way when the handler is missing', async () => {
    const outcome = await runInBootstrap(functionNames()[0] as string, { event: {}, env: { ...OFFLINE, SCF_FUNCTION_HANDLER: 'index.nothere' } });
    expect(outcome.kind).toBe('error');
    if (outcome.kind === 'error') expect(outcome.error.errorCode).toBe(1);
  });
});

describe('QR-rule bundles under the CLI bootstrap, against the emulator', () => {
  let emulator: Emulator;
  let env: Record<string, string>;
  beforeAll(async () => {
    emulator = await startEmulator({ settings: { qrcodeJumpRatePerSecond: 0, verification: 'served-hosts-only' } }); // rules on shop.example.com: see TEST_SETTINGS
    env = {
      WXOPEN_API_BASE: emulator.url,
      WXOPEN_APPID: MINI_PROGRAM.appid,
      WXOPEN_APPSECRET: MINI_PROGRAM.secret,
      WXOPEN_HTTP_KEY: HTTP_KEY,
      WXOPEN_ADMIN_OPENIDS: ADMIN_OPENID,
    };
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('serves direct calls, Mini Program callers (admin or refused) and HTTP-access events', async () => {
    const file = verificationFileOf(MINI_PROGRAM.appid);
    const rule = { prefix: 'https://shop.example.com/qr/', permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, is_edit: 0 };
    expect(resultOf(await runInBootstrap('addJumpQRCode', { event: rule, env }))).toEqual({ errcode: 0, errmsg: 'ok', prefix: rule.prefix });
    const asUser = (openid: string): Record<string, string> => ({ WX_OPENID: openid, WX_APPID: MINI_PROGRAM.appid, WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID', TCB_SOURCE: 'wx_client' });
    const [listed, download, admin, stranger, http, noKey] = await withConcurrency(
      [
        () => runInBootstrap('getJumpQRCode', { event: {}, env }),
        () => runInBootstrap('downloadQRCodeText', { event: {}, env }),
        () => runInBootstrap('downloadQRCodeText', { event: { userInfo: { openId: ADMIN_OPENID } }, env, environ: asUser(ADMIN_OPENID) }),
        () => runInBootstrap('getJumpQRCode', { event: {}, env, environ: asUser('o-someone-else') }),
        () => runInBootstrap('getJumpQRCode', { event: httpEvent({}, HTTP_KEY), env }),
        () => runInBootstrap('getJumpQRCode', { event: httpEvent({}), env }),
      ],
      2,
      (run) => run(),
    );
    expect(resultOf(listed!)).toMatchObject({ errcode: 0, errmsg: 'ok', list_size: 1, rule_list: [{ prefix: rule.prefix, permit_sub_rule: 1, path: rule.path, open_version: 3, state: 1 }], qrcodejump_pub_quota: 100 });
    expect(resultOf(download!)).toEqual({ errcode: 0, errmsg: 'ok', ...file });
    expect(resultOf(admin!)).toEqual({ errcode: 0, errmsg: 'ok', ...file });
    expect(resultOf(stranger!)).toMatchObject({ errcode: 990006, category: 'auth' });
    const reply = resultOf(http!);
    expect(reply).toMatchObject({ statusCode: 200, isBase64Encoded: false });
    expect(JSON.parse(String(reply['body']))).toMatchObject({ errcode: 0, list_size: 1 });
    expect(resultOf(noKey!)).toMatchObject({ statusCode: 401 });
    // The refused calls never reached WeChat: 3 successful calls to the API, one token fetch per process.
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpget')).toHaveLength(2);
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpdownload')).toHaveLength(2);
  });
});
