import { createHash } from 'node:crypto';
import type { Emulator } from '../../scripts/emulator';
import { verificationFileOf } from '../../scripts/emulator/accounts';
import { DEMO_ENVS, fileIdOf } from '../../scripts/emulator/cloud-envs';
import { loadBundle } from '../support/bundles';
import { HTTP_KEY, MINI_PROGRAM, useEmulator } from '../support/emulator';
import { httpBody, httpEvent } from '../support/events';
import { admin, freshSiteState, hostedSite, ruleAt, SITE_DOMAIN, SITE_ENV, siteFiles, stepsOf, storedPuts, withTimeLimit } from '../support/site';

// deployStaticSite against the emulator: a 30-file site with its verification file and a published
// rule from nothing, idempotent re-runs, and a re-run after each kind of failure ending in the same
// final state (no duplicate rule, no unchanged file uploaded twice).

const FILE = verificationFileOf(MINI_PROGRAM.appid);
const RULE_PREFIX = `https://${SITE_DOMAIN}/site/`;
const SITE = { env: SITE_ENV.envId, prefix: 'site', files: siteFiles(30), qrcode_rule: ruleAt(RULE_PREFIX) };
const VERIFICATION_KEY = `site/${FILE.file_name}`;

const current = useEmulator();
let emulator: Emulator;
let deploy: (event: unknown, context?: unknown) => Promise<Record<string, unknown>>;

beforeEach(() => {
  emulator = current();
  freshSiteState(emulator);
  deploy = loadBundle('deployStaticSite');
});

function outcomesOf(answer: Record<string, unknown>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const file of answer['files'] as Array<{ outcome: string }>) counts[file.outcome] = (counts[file.outcome] ?? 0) + 1;
  return counts;
}

/** The final state every run must reach: the 31 files, one published rule, the file served. */
async function expectFinalState(): Promise<void> {
  const site = hostedSite(emulator);
  expect([...site.keys()].sort()).toEqual([...SITE.files.map((file) => `site/${String(file['filename'])}`), VERIFICATION_KEY].sort());
  expect(site.get(VERIFICATION_KEY)).toBe(FILE.file_content);
  expect(site.get('site/index.html')).toBe(String(SITE.files[0]?.['content']));
  const rules = await loadBundle('getJumpQRCode')({});
  expect(rules['rule_list']).toEqual([expect.objectContaining({ prefix: RULE_PREFIX, state: 2 })]);
  expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpadd').filter((call) => call.errcode === 0 && (call.body as { is_edit: number }).is_edit === 0)).toHaveLength(1);
  const served = await fetch(`${emulator.url}/__hosting/${SITE_ENV.envId}/${VERIFICATION_KEY}`);
  expect(await served.text()).toBe(FILE.file_content);
}

function expectNoFileStoredTwice(): void {
  const twice = [...storedPuts(emulator)].filter(([, count]) => count > 1);
  expect(twice).toEqual([]);
}

describe('deployStaticSite from nothing, then again', () => {
  it('deploys a 30-file site, places and waits for the verification file, adds and publishes the rule; a second call changes nothing and says so', async () => {
    emulator.settings.hostingPropagationMs = 150;
    const first = httpBody(await deploy(httpEvent(SITE, HTTP_KEY)));
    expect(first).toMatchObject({
      errcode: 0,
      env: SITE_ENV.envId,
      prefix: 'site/',
      site_url: `https://${SITE_DOMAIN}/site/`,
      uploaded: 31,
      unchanged: 0,
      failed: 0,
      qrcode_rule: { prefix: RULE_PREFIX, verification_file: VERIFICATION_KEY, verification_url: `${RULE_PREFIX}${FILE.file_name}`, state: 2 },
    });
    expect(stepsOf(first)).toEqual(['hosting:done', 'verify_file:done', 'compare:done', 'upload:done', 'served:done', 'rule:done', 'publish:done']);
    await expectFinalState();
    expect(storedPuts(emulator).size).toBe(31);
    // the answer carries no signed URL, signature or security token
    expect(JSON.stringify(first)).not.toMatch(/q-signature|x-upload-id|signed_url|"token"/);

    const callsBefore = emulator.calls.length;
    const second = await deploy(SITE);
    expect(second).toMatchObject({ errcode: 0, uploaded: 0, unchanged: 31, failed: 0, qrcode_rule: { state: 2 } });
    expect(stepsOf(second)).toEqual(['hosting:done', 'verify_file:done', 'compare:done', 'upload:skipped', 'served:done', 'rule:skipped', 'publish:skipped']);
    const steps = second['steps'] as Array<{ step: string; detail: string }>;
    expect(steps.find((step) => step.step === 'upload')?.detail).toBe('nothing to upload: all 31 file(s) unchanged');
    expect(steps.find((step) => step.step === 'publish')?.detail).toBe('already published');
    const later = emulator.calls.slice(callsBefore).map((call) => call.path);
    expect(later).not.toContain('componenttcb/staticuploadfile');
    expect(later).not.toContain('__cos-static');
    expect(later).not.toContain('cgi-bin/wxopen/qrcodejumpadd');
    expect(later).not.toContain('cgi-bin/wxopen/qrcodejumppublish');
  });

  it('asks for the hosting domain, the verification file and the hosted files at once', async () => {
    // WeChat holds the hosting answer for a second: the other two reads go out meanwhile.
    emulator.faults.add({ path: 'componenttcb/describestaticstore', type: 'delay', delay_ms: 1000 });
    const answer = await deploy(SITE);
    expect(answer).toMatchObject({ errcode: 0 });
    expect(stepsOf(answer).slice(0, 3)).toEqual(['hosting:done', 'verify_file:done', 'compare:done']);
    const [hosting] = emulator.callsTo('componenttcb/describestaticstore');
    for (const path of ['cgi-bin/wxopen/qrcodejumpdownload', 'componenttcb/staticfilelist']) {
      const [read] = emulator.callsTo(path);
      expect({ path, afterHostingAskedMs: (read?.at ?? Infinity) - (hosting?.at ?? 0) < 900 }).toEqual({ path, afterHostingAskedMs: true });
    }
  });

  it('uploads only the files that changed, deletes the stale ones when asked, and keeps verification files', async () => {
    await deploy(SITE);
    const next = { ...SITE, files: [...siteFiles(30, 2).slice(0, 1), ...SITE.files.slice(1, 25)], delete_stale: true };
    const answer = await deploy(next);
    expect(answer).toMatchObject({ errcode: 0, uploaded: 1, unchanged: 25, deleted: 5, failed: 0 });
    expect((answer['files'] as Array<{ key: string; outcome: string }>).filter((file) => file.outcome === 'uploaded').map((file) => file.key)).toEqual(['site/index.html']);
    expect(stepsOf(answer).slice(-1)).toEqual(['delete:done']);
    const site = hostedSite(emulator);
    expect(site.size).toBe(26);
    expect(site.get(VERIFICATION_KEY)).toBe(FILE.file_content);
    expect(emulator.callsTo('componenttcb/staticdeletefile')).toHaveLength(5);
    // Without a rule the chain does not know the account's verification file: it is stale like any other
    // (WeChat checks it only when a rule is added).
    const bare = await deploy({ env: SITE_ENV.envId, prefix: 'site', files: next.files, delete_stale: true });
    expect(bare).toMatchObject({ errcode: 0, uploaded: 0, deleted: 1 });
    expect(hostedSite(emulator).has(VERIFICATION_KEY)).toBe(false);
  });

  it('reads staged cloud-storage files by fileid: unchanged ones with an md5 are not even read', async () => {
    const put = async (path: string, text: string): Promise<string> => String((await admin(emulator, 'storage-put', { env: SITE_ENV.envId, path, content_base64: Buffer.from(text).toString('base64') }))['fileid']);
    const big = await put('stage/app.js', 'console.log("staged");\n');
    const page = await put('stage/page.html', '<p>staged</p>');
    const files = [
      { filename: 'app.js', fileid: big },
      { filename: 'page.html', fileid: page, md5: 'b1946ac92492d2347c6235b4d2611184' },
      { filename: 'gone.css', fileid: fileIdOf(SITE_ENV, 'stage/missing.css') },
    ];
    const first = await deploy({ env: SITE_ENV.envId, prefix: 'staged', files });
    expect(first).toMatchObject({ errcode: 990308, failed_step: 'upload', uploaded: 1, failed: 2 });
    const byKey = Object.fromEntries((first['files'] as Array<{ key: string }>).map((file) => [file.key, file]));
    expect(byKey['staged/app.js']).toMatchObject({ outcome: 'uploaded' });
    expect(byKey['staged/page.html']).toMatchObject({ outcome: 'failed', errcode: 990309, reason: expect.stringContaining('not the md5 given') });
    expect(byKey['staged/gone.css']).toMatchObject({ outcome: 'failed', errcode: -503003 });
    expect(String(first['errmsg'])).toContain('2 of 3 file(s) not uploaded');

    const md5 = createHash('md5').update('<p>staged</p>').digest('hex');
    const fixed = [files[0]!, { ...files[1]!, md5 }];
    const second = await deploy({ env: SITE_ENV.envId, prefix: 'staged', files: fixed });
    expect(second).toMatchObject({ errcode: 0, uploaded: 1, unchanged: 1 });
    const downloads = emulator.callsTo('__tcb-download').length;
    const third = await deploy({ env: SITE_ENV.envId, prefix: 'staged', files: [{ ...files[0]!, md5: (second['files'] as Array<{ md5: string }>)[0]!.md5 }, fixed[1]!] });
    expect(third).toMatchObject({ errcode: 0, uploaded: 0, unchanged: 2 });
    expect(emulator.callsTo('__tcb-download').length).toBe(downloads);
  });

  it('dry_run reads only and answers what each step would do', async () => {
    const answer = await deploy({ ...SITE, delete_stale: true, dry_run: true });
    expect(answer).toMatchObject({ errcode: 0, dry_run: true, uploaded: 0, qrcode_rule: { state: 0 } });
    expect(outcomesOf(answer)).toEqual({ would_upload: 31 });
    expect(stepsOf(answer)).toEqual(['hosting:done', 'verify_file:done', 'compare:done', 'upload:skipped', 'served:skipped', 'rule:skipped', 'publish:skipped', 'delete:skipped']);
    const details = (answer['steps'] as Array<{ detail: string }>).map((step) => step.detail).join('\n');
    expect(details).toMatch(/would upload 31 file/);
    expect(details).toMatch(/serves HTTP 404 \(not found\) now/);
    expect(details).toMatch(/would add the rule/);
    expect(details).toMatch(/would publish the rule \(100 publishes left this month\)/);
    const written = emulator.calls.map((call) => call.path).filter((path) => ['componenttcb/staticuploadfile', '__cos-static', 'componenttcb/staticdeletefile', 'cgi-bin/wxopen/qrcodejumpadd', 'cgi-bin/wxopen/qrcodejumppublish'].includes(path));
    expect(written).toEqual([]);
    expect(hostedSite(emulator).size).toBe(0);
  });

  it('names every bad input by field before any call', async () => {
    const bad = await deploy({
      env: SITE_ENV.envId,
      files: [
        { filename: 'a.html', content: 'x' },
        { filename: './a.html', content: 'y' },
        { filename: 'b.js' },
        { filename: 'c.js', content: 'x', md5: '0'.repeat(32) },
        { filename: 'd.js', fileid: fileIdOf(DEMO_ENVS[1]!, 'd.js') },
      ],
      prefix: '../up',
    });
    expect(bad).toMatchObject({ errcode: 990001, field: 'files[2].content' });
    const fields = (bad['fields'] as Array<{ field: string }> | undefined)?.map((problem) => problem.field) ?? [bad['field']];
    expect(fields).toEqual(expect.arrayContaining(['files[2].content', 'files[3].md5', 'prefix']));
    const crossing = await deploy({ env: SITE_ENV.envId, files: [{ filename: 'a.html', content: 'x' }, { filename: './a.html', content: 'y' }, { filename: 'd.js', fileid: fileIdOf(DEMO_ENVS[1]!, 'd.js') }] });
    expect(crossing).toMatchObject({ errcode: 990001 });
    expect(String(crossing['errmsg'])).toMatch(/files\[1\]\.filename: names the same file as files\[0\]\.filename/);
    expect(String(crossing['errmsg'])).toMatch(/files\[2\]\.fileid: belongs to environment/);
    const clash = await deploy({ env: SITE_ENV.envId, files: [{ filename: `site/${FILE.file_name}`, content: 'not it' }], qrcode_rule: ruleAt(RULE_PREFIX) });
    expect(clash).toMatchObject({ errcode: 990001, failed_step: 'verify_file', field: `files[0].filename` });
    expect(emulator.calls.map((call) => call.path)).not.toContain('componenttcb/staticuploadfile');
  });
});

interface FailureCase {
  name: string;
  /** Makes the emulator fail (before the first run). */
  arrange: () => Promise<void> | void;
  /** Puts it right again (before the re-run). */
  clear?: () => Promise<void> | void;
  /** How the first run ends: an errcode and the failed step, or 0 when the chain itself got past it. */
  first: { errcode: number; failed_step?: string };
  context?: Record<string, unknown>;
}

const CASES: FailureCase[] = [
  { name: 'busy (-1) on qrcodejumpadd', arrange: () => void emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumpadd', type: 'errcode', errcode: -1 }), first: { errcode: -1, failed_step: 'rule' } },
  { name: 'busy (-1) on qrcodejumppublish', arrange: () => void emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumppublish', type: 'errcode', errcode: -1 }), first: { errcode: -1, failed_step: 'publish' } },
  { name: 'dropped connections to the storage (PUT)', arrange: () => void emulator.faults.add({ path: '__cos-static', type: 'drop', times: 6, after: 5 }), first: { errcode: 990308, failed_step: 'upload' } },
  { name: 'the answer to qrcodejumpadd lost (connection dropped after the work)', arrange: () => void emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumpadd', type: 'drop_after' }), first: { errcode: 0 } },
  { name: 'the answer to qrcodejumppublish lost', arrange: () => void emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumppublish', type: 'drop_after' }), first: { errcode: 0 } },
  { name: 'dropped connections to the hosting while waiting for the file', arrange: () => void emulator.faults.add({ path: '__hosting', type: 'drop', times: 2 }), first: { errcode: 0 } },
  {
    name: 'expired upload signatures',
    arrange: async () => void (await admin(emulator, 'static-upload-faults', { ttl_seconds: 0 })),
    clear: async () => void (await admin(emulator, 'static-upload-faults', {})),
    first: { errcode: 990308, failed_step: 'upload' },
  },
  {
    name: 'propagation slower than the time budget',
    arrange: () => void (emulator.settings.hostingPropagationMs = 60_000),
    clear: () => emulator.advanceClock(61),
    first: { errcode: 990307, failed_step: 'served' },
    context: withTimeLimit(4500),
  },
  { name: '85069 on the first check', arrange: () => void emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumpadd', type: 'errcode', errcode: 85069, errmsg: 'check confirm file fail' }), first: { errcode: 85069, failed_step: 'rule' } },
  { name: 'the publish quota spent (886000)', arrange: () => void emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumppublish', type: 'errcode', errcode: 886000, errmsg: 'reach max publish limit this month' }), first: { errcode: 886000, failed_step: 'publish' } },
];

describe('a re-run after each kind of failure ends in the same final state', () => {
  it.each(CASES)('$name', async ({ arrange, clear, first, context }) => {
    await arrange();
    const failed = await deploy(SITE, context);
    expect({ errcode: failed['errcode'], failed_step: failed['failed_step'] }).toEqual({ errcode: first.errcode, failed_step: first.failed_step });
    if (first.errcode !== 0) {
      // the answer names what is in place and what is not
      expect(Array.isArray(failed['steps'])).toBe(true);
      expect(typeof failed['hint']).toBe('string');
      if (first.failed_step !== 'upload') expect(failed).toMatchObject({ failed: 0 });
      else expect((failed['files'] as Array<{ outcome: string; reason?: string }>).filter((file) => file.outcome === 'failed').every((file) => typeof file.reason === 'string')).toBe(true);
    }
    emulator.faults.clear();
    await clear?.();
    emulator.settings.hostingPropagationMs = 0;

    const rerun = await deploy(SITE);
    expect(rerun).toMatchObject({ errcode: 0, failed: 0, qrcode_rule: { state: 2 } });
    await expectFinalState();
    expectNoFileStoredTwice();

    const again = await deploy(SITE);
    expect(again).toMatchObject({ errcode: 0, uploaded: 0, unchanged: 31 });
    expect(stepsOf(again).slice(-2)).toEqual(['rule:skipped', 'publish:skipped']);
    expectNoFileStoredTwice();
  });

  it('says, for propagation slower than the budget, which URL and what it served, and never asks WeChat to check', async () => {
    emulator.settings.hostingPropagationMs = 60_000;
    const failed = await deploy(SITE, withTimeLimit(4500));
    expect(failed).toMatchObject({ errcode: 990307, category: 'busy', failed_step: 'served', uploaded: 31 });
    expect(String(failed['errmsg'])).toContain(`${RULE_PREFIX}${FILE.file_name} does not serve the verification file yet: it served HTTP 404 (not found)`);
    expect(String(failed['errmsg'])).toContain('qrcodejumpadd was not called');
    expect(String(failed['hint'])).toMatch(/Run the same call again/);
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpadd')).toEqual([]);
  });
});
