import type { Emulator } from '../../scripts/emulator';
import { verificationFileOf } from '../../scripts/emulator/accounts';
import { DEMO_ENVS } from '../../scripts/emulator/cloud-envs';
import { hostingDomainOf } from '../../scripts/emulator/static-sites';
import { loadBundle } from '../support/bundles';
import { HTTP_KEY, MINI_PROGRAM, useEmulator } from '../support/emulator';
import { setEnv } from '../support/env';
import { httpBody, httpEvent } from '../support/events';

const ENV = DEMO_ENVS[0]!;
const DOMAIN = hostingDomainOf(ENV);
const PREFIX = `https://${DOMAIN}/qr/`;
const WANTED = { env: ENV.envId, prefix: PREFIX, path: 'pages/index/index', permit_sub_rule: 1, open_version: 3, debug_url: [`${PREFIX}a?id=1`] };
const FILE = verificationFileOf(MINI_PROGRAM.appid);

const current = useEmulator();
let emulator: Emulator;

beforeEach(() => {
  emulator = current();
  emulator.reset();
  const component = emulator.tokens.issue(MINI_PROGRAM.appid, 'component').value;
  setEnv({ WXOPEN_COMPONENT_ACCESS_TOKEN: component });
});

async function served(path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${emulator.url}/__hosting/${ENV.envId}/${path}`);
  return { status: response.status, text: await response.text() };
}

const stepsOf = (answer: Record<string, unknown>) => (answer['steps'] as Array<{ step: string; status: string }>).map(({ step, status }) => `${step}:${status}`);

describe('setupQRCodeJump', () => {
  it('serves the verification file, adds and publishes the rule, over HTTP', async () => {
    expect((await served(`qr/${FILE.file_name}`)).status).toBe(404);
    const answer = httpBody(await loadBundle('setupQRCodeJump')(httpEvent({ ...WANTED, publish: true }, HTTP_KEY)));
    expect(answer).toMatchObject({ errcode: 0, prefix: PREFIX, state: 2, verification_url: `https://${DOMAIN}/qr/${FILE.file_name}` });
    expect(stepsOf(answer)).toEqual(['hosting:done', 'verify_file:done', 'upload:done', 'rule:done', 'publish:done']);
    expect(await served(`qr/${FILE.file_name}`)).toEqual({ status: 200, text: FILE.file_content });
    // WeChat checked the file when the rule was added (the emulator fetches it from the hosting).
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpadd').map((call) => call.errcode)).toEqual([0]);
    expect(await loadBundle('getJumpQRCode')({})).toMatchObject({ rule_list: [{ prefix: PREFIX, state: 2 }], qrcodejump_pub_quota: 99 });
  });

  it('run again, changes nothing and spends no publish', async () => {
    const setup = loadBundle('setupQRCodeJump');
    await setup({ ...WANTED, publish: true });
    const again = await setup({ ...WANTED, publish: true });
    expect(stepsOf(again)).toEqual(['hosting:done', 'verify_file:done', 'upload:done', 'rule:skipped', 'publish:skipped']);
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpadd')).toHaveLength(1);
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumppublish')).toHaveLength(1);
  });

  it('names the failed step and what was done, and a re-run finishes the job', async () => {
    emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumppublish', type: 'errcode', errcode: -1, errmsg: 'system error' });
    const setup = loadBundle('setupQRCodeJump');
    const failed = await setup({ ...WANTED, publish: true });
    expect(failed).toMatchObject({ errcode: -1, category: 'busy', failed_step: 'publish' });
    expect(String(failed['errmsg'])).toMatch(/^publish: system error/);
    expect(stepsOf(failed)).toEqual(['hosting:done', 'verify_file:done', 'upload:done', 'rule:done']);
    const finished = await setup({ ...WANTED, publish: true });
    expect(finished).toMatchObject({ errcode: 0, state: 2 });
    expect(stepsOf(finished).slice(3)).toEqual(['rule:skipped', 'publish:done']);
  });

  it('asks for the hosting domain and the verification file at once, and still records the steps in order', async () => {
    // WeChat holds the hosting answer for a second: the file is asked for meanwhile, not after it.
    emulator.faults.add({ path: 'componenttcb/describestaticstore', type: 'delay', delay_ms: 1000 });
    const answer = await loadBundle('setupQRCodeJump')({ ...WANTED, publish: false });
    expect(answer).toMatchObject({ errcode: 0 });
    expect(stepsOf(answer)).toEqual(['hosting:done', 'verify_file:done', 'upload:done', 'rule:done']);
    const [hosting] = emulator.callsTo('componenttcb/describestaticstore');
    const [file] = emulator.callsTo('cgi-bin/wxopen/qrcodejumpdownload');
    expect((file?.at ?? Infinity) - (hosting?.at ?? 0)).toBeLessThan(900);
  });

  it('fails at the first step in order when both early reads fail, and leaves no rejection unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      emulator.faults.add({ path: 'componenttcb/describestaticstore', type: 'errcode', errcode: 40097, errmsg: 'invalid args' });
      emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumpdownload', type: 'errcode', errcode: 40097, errmsg: 'invalid args' });
      const failed = await loadBundle('setupQRCodeJump')({ ...WANTED, publish: true });
      expect(failed).toMatchObject({ errcode: 40097, failed_step: 'hosting' });
      expect(stepsOf(failed)).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
      // Nothing was written: no upload link asked for, no rule.
      expect(emulator.callsTo('componenttcb/staticuploadfile')).toHaveLength(0);
      expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpadd')).toHaveLength(0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('edits an unpublished rule to the wanted fields instead of adding it twice', async () => {
    const setup = loadBundle('setupQRCodeJump');
    await setup(WANTED);
    const edited = await setup({ ...WANTED, path: 'pages/other/other' });
    expect(edited).toMatchObject({ errcode: 0, state: 1 });
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpadd').map((call) => (call.body as { is_edit: number }).is_edit)).toEqual([0, 1]);
    expect(await loadBundle('getJumpQRCode')({})).toMatchObject({ rule_list: [{ path: 'pages/other/other', state: 1 }] });
  });

  it('refuses to change a published rule, and says how to proceed', async () => {
    const setup = loadBundle('setupQRCodeJump');
    await setup({ ...WANTED, publish: true });
    const refused = await setup({ ...WANTED, path: 'pages/other/other' });
    expect(refused).toMatchObject({ errcode: 990001, field: 'prefix', failed_step: 'rule', hint: expect.stringContaining('deleteJumpQRCode') });
    // each differing field is named with the published value and the wanted one; equal fields are not
    expect(refused['errmsg']).toContain('(path: "pages/index/index" published, "pages/other/other" wanted)');
    const several = await setup({ ...WANTED, open_version: 2, debug_url: [] });
    expect(several['errmsg']).toContain(`(open_version: 3 published, 2 wanted; debug_url: ["${PREFIX}a?id=1"] published, [] wanted)`);
    expect(several['errmsg']).not.toContain('path:');
  });

  it('reports WeChat\'s verification failure on a host the hosting does not serve', async () => {
    const prefix = 'https://shop.example.com/qr/';
    emulator.hostedFileResolvers.push(async (url) => (url.host === 'shop.example.com' ? null : undefined));
    const answer = await loadBundle('setupQRCodeJump')({ ...WANTED, prefix, debug_url: [] });
    expect(answer).toMatchObject({ errcode: 85069, failed_step: 'rule', category: 'setup' });
    const steps = answer['steps'] as Array<{ step: string; detail: string }>;
    expect(steps[0]?.detail).toMatch(/not .*default hosting domain/);
    emulator.hostedFileResolvers.pop();
  });

  it('checks its input before any call', async () => {
    const answer = await loadBundle('setupQRCodeJump')({ ...WANTED, env: 'Bad_Env' });
    expect(answer).toMatchObject({ errcode: 990001, field: 'env' });
    expect(await loadBundle('setupQRCodeJump')({ ...WANTED, is_edit: 0 })).toMatchObject({ errcode: 990001, field: 'is_edit' });
    expect(emulator.calls).toHaveLength(0);
  });
});
