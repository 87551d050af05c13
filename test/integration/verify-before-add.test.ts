import type { Emulator } from '../../scripts/emulator';
import { verificationFileOf } from '../../scripts/emulator/accounts';
import { staticSitesOf } from '../../scripts/emulator/static-sites';
import { loadBundle } from '../support/bundles';
import { MINI_PROGRAM, useEmulator } from '../support/emulator';
import { freshSiteState, ruleAt, SITE_DOMAIN, SITE_ENV, stepsOf, withTimeLimit } from '../support/site';

// Verification that looks before it leaps: both chains fetch the verification file from the URL
// WeChat will fetch until the exact content is served, and only then call qrcodejumpadd; the
// emulator's own check (on add) sees the same propagation.

const FILE = verificationFileOf(MINI_PROGRAM.appid);
const RULE = { permit_sub_rule: 1, path: 'pages/index/index', open_version: 3 };

const current = useEmulator();
let emulator: Emulator;

beforeEach(() => {
  emulator = current();
  freshSiteState(emulator);
});

interface HostingCall {
  key: string | null;
  status: number;
  served: string;
}

const hostingCall = (body: unknown): HostingCall => body as HostingCall;

/**
 * The call log's order: every qrcodejumpadd comes after a GET of the verification file that was
 * answered 200 with the latest upload, and (when propagation was slow) after GETs that were not.
 */
function expectAddOnlyAfterServed(key: string, { waited }: { waited: boolean }): void {
  const calls = emulator.calls;
  const served = calls.findIndex((call) => call.path === '__hosting' && hostingCall(call.body).key === key && hostingCall(call.body).status === 200 && hostingCall(call.body).served === 'fresh');
  const adds = calls.flatMap((call, index) => (call.path === 'cgi-bin/wxopen/qrcodejumpadd' ? [index] : []));
  expect(served).toBeGreaterThanOrEqual(0);
  expect(adds.length).toBeGreaterThan(0);
  for (const add of adds) expect(add).toBeGreaterThan(served);
  const before = calls.slice(0, served).filter((call) => call.path === '__hosting' && hostingCall(call.body).key === key);
  if (waited) expect(before.map((call) => hostingCall(call.body).status)).toContain(404);
  expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpadd').map((call) => call.errcode)).toEqual([0]);
}

describe('where the verification file goes, and when WeChat is asked', () => {
  const PLACES: Array<[string, string, string]> = [
    ['a prefix with no path', `https://${SITE_DOMAIN}`, FILE.file_name],
    ['a prefix with one directory', `https://${SITE_DOMAIN}/qr/`, `qr/${FILE.file_name}`],
    ['a prefix with nested directories', `https://${SITE_DOMAIN}/brand/campaign/2024/`, `brand/campaign/2024/${FILE.file_name}`],
    ['a prefix naming a page inside nested directories', `https://${SITE_DOMAIN}/shop/items/detail?id=1`, `shop/items/${FILE.file_name}`],
  ];

  it.each(PLACES)('deployStaticSite, %s: the file at %s → %s, served before qrcodejumpadd', async (_what, prefix, key) => {
    emulator.settings.hostingPropagationMs = 250;
    const answer = await loadBundle('deployStaticSite')({ env: SITE_ENV.envId, files: [{ filename: 'index.html', content: '<p>hi</p>' }], qrcode_rule: ruleAt(prefix) });
    expect(answer).toMatchObject({ errcode: 0, qrcode_rule: { verification_file: key, verification_url: `https://${SITE_DOMAIN}/${key}`, state: 2 } });
    expect(staticSitesOf(emulator).get(SITE_ENV.envId, key)?.bytes.toString()).toBe(FILE.file_content);
    expectAddOnlyAfterServed(key, { waited: true });
  });

  it.each(PLACES.slice(0, 3))('setupQRCodeJump, %s: the file at %s → %s, served before qrcodejumpadd', async (_what, prefix, key) => {
    emulator.settings.hostingPropagationMs = 250;
    const answer = await loadBundle('setupQRCodeJump')({ env: SITE_ENV.envId, prefix, ...RULE, publish: true });
    expect(answer).toMatchObject({ errcode: 0, state: 2, verification_url: `https://${SITE_DOMAIN}/${key}` });
    expect(stepsOf(answer)).toEqual(['hosting:done', 'verify_file:done', 'upload:done', 'rule:done', 'publish:done']);
    expect((answer['steps'] as Array<{ step: string; detail: string }>)[2]?.detail).toMatch(new RegExp(`as ${key.replace(/[.]/g, '\\.')}; .* serves the exact content \\(attempt [2-9]`));
    expectAddOnlyAfterServed(key, { waited: true });
    // the publish was confirmed with qrcodejumpget after it
    const publish = emulator.calls.findIndex((call) => call.path === 'cgi-bin/wxopen/qrcodejumppublish');
    expect(emulator.calls.slice(publish + 1).map((call) => call.path)).toContain('cgi-bin/wxopen/qrcodejumpget');
  });

  it('is needed: WeChat\'s own check (the emulator\'s) fails while the upload propagates', async () => {
    emulator.settings.hostingPropagationMs = 60_000;
    const prefix = `https://${SITE_DOMAIN}/early/`;
    await loadBundle('uploadStaticFile')({ env: SITE_ENV.envId, filename: `early/${FILE.file_name}`, content: FILE.file_content });
    expect(await loadBundle('addJumpQRCode')({ prefix, ...RULE, is_edit: 0 })).toMatchObject({ errcode: 85069 });
    emulator.advanceClock(61);
    expect(await loadBundle('addJumpQRCode')({ prefix, ...RULE, is_edit: 0 })).toMatchObject({ errcode: 0 });
  });
});

describe('not served in time: a retryable error naming the URL and what was served, and no qrcodejumpadd', () => {
  const prefix = `https://${SITE_DOMAIN}/qr/`;
  const url = `${prefix}${FILE.file_name}`;
  const setup = (): Promise<Record<string, unknown>> => loadBundle('setupQRCodeJump')({ env: SITE_ENV.envId, prefix, ...RULE, publish: true }, withTimeLimit(3300));

  it('a 404 while the upload propagates; the re-run picks up without uploading again', async () => {
    emulator.settings.hostingPropagationMs = 60_000;
    const failed = await setup();
    expect(failed).toMatchObject({ errcode: 990307, category: 'busy', failed_step: 'upload' });
    expect(String(failed['errmsg'])).toContain(`upload: ${url} does not serve the verification file yet: it served HTTP 404 (not found)`);
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpadd')).toEqual([]);
    emulator.advanceClock(61);
    const puts = emulator.callsTo('__cos-static').length;
    const finished = await setup();
    expect(finished).toMatchObject({ errcode: 0, state: 2 });
    expect((finished['steps'] as Array<{ detail: string }>)[2]?.detail).toMatch(/already serves the exact content: not uploaded again/);
    expect(emulator.callsTo('__cos-static').length).toBe(puts);
  });

  it('other content: the previous upload, still served', async () => {
    staticSitesOf(emulator).put(SITE_ENV.envId, `qr/${FILE.file_name}`, Buffer.from('someone else\'s file'), 'text/plain', emulator.now(), 0);
    emulator.settings.hostingPropagationMs = 60_000;
    const failed = await setup();
    expect(String(failed['errmsg'])).toContain('it served other content (19 bytes: "someone else\'s file")');
    expect(emulator.callsTo('__hosting').map((call) => hostingCall(call.body).served)).toContain('stale');
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpadd')).toEqual([]);
  });

  it('nothing (the connection dropped), then an HTTP error: both named', async () => {
    emulator.faults.add({ path: '__hosting', type: 'drop', times: 2 });
    emulator.faults.add({ path: '__hosting', type: 'http_error', status: 503, times: 50 });
    const failed = await setup();
    expect(failed).toMatchObject({ errcode: 990307 });
    expect(String(failed['errmsg'])).toMatch(/it served HTTP 503 at the last of \d+ attempt\(s\) over [\d.]+ s \(before that: nothing \(the connection failed\)\)/);
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpadd')).toEqual([]);
  });
});

describe('setupQRCodeJump dry_run', () => {
  it('reads only and says what each step would do', async () => {
    const prefix = `https://${SITE_DOMAIN}/qr/`;
    const answer = await loadBundle('setupQRCodeJump')({ env: SITE_ENV.envId, prefix, ...RULE, publish: true, dry_run: true });
    expect(answer).toMatchObject({ errcode: 0, dry_run: true, state: 0 });
    expect(stepsOf(answer)).toEqual(['hosting:done', 'verify_file:done', 'upload:skipped', 'rule:skipped', 'publish:skipped']);
    const details = (answer['steps'] as Array<{ detail: string }>).map((step) => step.detail);
    expect(details[2]).toMatch(/^dry run: would upload it .* as qr\/\w+\.txt, then wait until .* serves it \(it serves HTTP 404 \(not found\) now\)$/);
    expect(details[3]).toMatch(/would add the rule/);
    expect(details[4]).toMatch(/would publish the rule \(100 publishes left this month\)/);
    expect(emulator.calls.map((call) => call.path).filter((path) => !['componenttcb/describestaticstore', 'cgi-bin/wxopen/qrcodejumpdownload', 'cgi-bin/wxopen/qrcodejumpget', '__hosting', 'cgi-bin/stable_token'].includes(path))).toEqual([]);

    await loadBundle('setupQRCodeJump')({ env: SITE_ENV.envId, prefix, ...RULE, publish: false });
    const edit = await loadBundle('setupQRCodeJump')({ env: SITE_ENV.envId, prefix, ...RULE, path: 'pages/other/other', publish: true, dry_run: true });
    expect(edit).toMatchObject({ errcode: 0, state: 1 });
    expect((edit['steps'] as Array<{ detail: string }>).map((step) => step.detail).slice(2)).toEqual([
      expect.stringContaining('already serves the exact content'),
      expect.stringContaining('would edit the unpublished rule'),
      expect.stringContaining('would publish'),
    ]);
    expect(await loadBundle('getJumpQRCode')({})).toMatchObject({ rule_list: [{ path: 'pages/index/index', state: 1 }] });
  });
});
