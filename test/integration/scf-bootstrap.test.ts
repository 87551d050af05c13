import { startEmulator, type Emulator } from '../../scripts/emulator';
import { verificationFileOf } from '../../scripts/emulator/accounts';
import { callableFunctionNames, functionNames } from '../../scripts/function-catalogue';
import { DEMO_ENVS } from '../../scripts/emulator/cloud-envs';
import { hostingDomainOf } from '../../scripts/emulator/static-sites';
import { MINI_PROGRAM, HTTP_KEY, ADMIN_OPENID, SERVICE_ACCOUNT } from '../support/emulator';
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
    const names = callableFunctionNames();
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

describe('bundles under the CLI bootstrap, against the emulator', () => {
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

  it('answers one real call per capability group: market codes, static hosting, TCB files, the setup chain', async () => {
    const cloudEnv = DEMO_ENVS.find((candidate) => candidate.appid === MINI_PROGRAM.appid)!;
    const domain = hostingDomainOf(cloudEnv);
    const seeded = await fetch(`${emulator.url}/__emulator/storage-put`, {
      method: 'POST',
      body: JSON.stringify({ env: cloudEnv.envId, path: 'docs/hello.txt', content_base64: Buffer.from('hello').toString('base64'), content_type: 'text/plain' }),
    });
    const { fileid } = (await seeded.json()) as { fileid: string };
    const withComponentToken = { ...env, WXOPEN_COMPONENT_ACCESS_TOKEN: emulator.tokens.issue(MINI_PROGRAM.appid, 'component', 600).value };
    const asServiceAccount = { ...env, WXOPEN_APPID: SERVICE_ACCOUNT.appid, WXOPEN_APPSECRET: SERVICE_ACCOUNT.secret, WXOPEN_MARKETCODE_KEY: SERVICE_ACCOUNT.marketcodeKey as string };
    const prefix = `https://${domain}/bootstrap/`;
    const [applied, hosting, links, setup] = await withConcurrency(
      [
        () => runInBootstrap('applyCode', { event: { code_count: 10000, isv_application_id: 'bootstrap-1' }, env: asServiceAccount }),
        () => runInBootstrap('getStaticHostingDomain', { event: { env: cloudEnv.envId }, env: withComponentToken }),
        () => runInBootstrap('getDownloadTcbFileLink', { event: { env: cloudEnv.envId, file_list: [{ fileid, max_age: 60 }] }, env }),
        () => runInBootstrap('setupQRCodeJump', { event: { env: cloudEnv.envId, prefix, permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, publish: true }, env: withComponentToken }),
      ],
      2,
      (run) => run(),
    );
    expect(resultOf(applied!)).toEqual({ errcode: 0, errmsg: 'ok', application_id: expect.stringMatching(/^\d+$/), isv_application_id: 'bootstrap-1', code_count: 10000 });
    expect(resultOf(hosting!)).toMatchObject({ errcode: 0, env: cloudEnv.envId, domain, url: `https://${domain}/` });
    const link = (resultOf(links!)['file_list'] as Array<{ fileid: string; status: number; download_url: string }>)[0]!;
    expect(link).toMatchObject({ fileid, status: 0 });
    expect(await (await fetch(link.download_url.replace(/^https:\/\/[^/]+/, emulator.url))).text()).toBe('hello');
    const chain = resultOf(setup!);
    expect(chain).toMatchObject({ errcode: 0, prefix, state: 2 });
    expect((chain['steps'] as Array<{ step: string; status: string }>).map((step) => `${step.step} ${step.status}`)).toEqual(['hosting done', 'verify_file done', 'upload done', 'rule done', 'publish done']);
    expect(emulator.callsTo('intp/marketcode/applycode')).toHaveLength(1);
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumppublish').map((call) => call.errcode)).toEqual([0]);
  });
});
