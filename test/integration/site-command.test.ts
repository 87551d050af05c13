import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator } from '../../scripts/emulator';
import { verificationFileOf } from '../../scripts/emulator/accounts';
import { runSite } from '../../scripts/site';
import { MINI_PROGRAM, useEmulator } from '../support/emulator';
import { freshSiteState, hostedSite, ruleAt, SITE_DOMAIN, SITE_ENV, storedPuts } from '../support/site';

// npm run site -- deploy <dir>: walk, stage in cloud storage, deployStaticSite (the built bundle),
// live progress and a summary table; against the emulator over 127.0.0.1.

const current = useEmulator();
let emulator: Emulator;
let dir: string;

function capture(isTTY = false): { write: (text: string) => void; isTTY: boolean; columns: number; text: () => string } {
  const chunks: string[] = [];
  return { write: (text) => void chunks.push(text), isTTY, columns: 200, text: () => chunks.join('') };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wxopen-site-'));
  mkdirSync(join(dir, 'site', 'assets', 'img'), { recursive: true });
  mkdirSync(join(dir, 'site', '.git'));
  writeFileSync(join(dir, 'site', 'index.html'), '<!doctype html><title>shop</title>');
  writeFileSync(join(dir, 'site', 'assets', 'app.js'), 'console.log("hi");\n');
  writeFileSync(join(dir, 'site', 'assets', 'copy.js'), 'console.log("hi");\n');
  writeFileSync(join(dir, 'site', 'assets', 'img', 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  writeFileSync(join(dir, 'site', '.git', 'HEAD'), 'ref');
  writeFileSync(join(dir, 'site', '.DS_Store'), 'x');
  symlinkSync('/etc/hostname', join(dir, 'site', 'outside.txt'));
  writeFileSync(join(dir, 'rule.json'), JSON.stringify(ruleAt(`https://${SITE_DOMAIN}/shop/`)));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  emulator = current();
  freshSiteState(emulator);
});

describe('npm run site -- deploy', () => {
  it('deploys a folder with a rule, printing progress lines and a summary; a second run uploads nothing', async () => {
    emulator.settings.hostingPropagationMs = 150;
    const out = capture();
    const err = capture();
    const args = ['deploy', join(dir, 'site'), '--env', SITE_ENV.envId, '--prefix', 'shop', '--qrcode-rule', join(dir, 'rule.json')];
    expect(await runSite(args, out, err)).toBe(0);
    const text = out.text();
    expect(err.text()).toBe('');
    expect(text).toContain('4 file(s) in');
    expect(text).toMatch(/left out: \.DS_Store, \.git, outside\.txt/);
    expect(text).toContain('staged 4 file(s) in demo-env-1a2b3c\'s cloud storage (wxopen-site-staging/<md5>)');
    // live lines, in the order they happened
    const order = ['✓ hosting done', '✓ compare done', 'file 1/5 uploaded', '✓ upload done', 'wait served attempt 1', '✓ served done', '✓ rule done', '✓ publish done'].map((line) => text.indexOf(line));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // the summary table
    const name = verificationFileOf(MINI_PROGRAM.appid).file_name;
    expect(text).toMatch(/file\s+outcome\s+bytes\s+note/);
    expect(text).toMatch(/shop\/assets\/img\/logo\.png\s+uploaded\s+7/);
    expect(text).toContain(`shop/${name}`);
    expect(text).toContain('5 file(s): 5 uploaded');
    expect(text).toContain(`site: https://${SITE_DOMAIN}/shop/`);
    expect(text).toContain('published');
    expect(text).not.toMatch(/q-signature|x-cos-security-token|Signature=/);
    expect([...hostedSite(emulator).keys()].sort()).toEqual(['shop/assets/app.js', 'shop/assets/copy.js', 'shop/assets/img/logo.png', 'shop/index.html', `shop/${name}`].sort());
    // identical contents are staged once
    expect(emulator.callsTo('tcb/uploadfile')).toHaveLength(3);

    const again = capture();
    expect(await runSite(args, again, err)).toBe(0);
    expect(again.text()).toContain('5 file(s): 5 unchanged');
    expect(again.text()).toContain('· upload skipped: nothing to upload');
    expect([...storedPuts(emulator).values()].every((count) => count === 1)).toBe(true);
    expect(emulator.callsTo('__tcb-download')).toHaveLength(4);
  });

  it('draws a bar on a terminal, and a dry run stages nothing and changes nothing', async () => {
    const out = capture(true);
    expect(await runSite(['deploy', join(dir, 'site'), '--env', SITE_ENV.envId, '--dry-run'], out, capture())).toBe(0);
    expect(out.text()).toMatch(/\r\x1b\[Kfiles \[#+-*\] 1\/4 would_upload/);
    expect(out.text()).toContain('dry run: nothing was changed');
    expect(emulator.callsTo('tcb/uploadfile')).toEqual([]);
    expect(emulator.callsTo('__cos-static')).toEqual([]);
  });

  it('refuses bad usage, and names the hosting would refuse, with exit status 2 and nothing sent', async () => {
    const err = capture();
    expect(await runSite(['deploy', join(dir, 'site')], capture(), err)).toBe(2);
    expect(err.text()).toMatch(/--env is required/);
    expect(await runSite(['upload', join(dir, 'site'), '--env', SITE_ENV.envId], capture(), err)).toBe(2);
    expect(await runSite(['deploy', join(dir, 'nope'), '--env', SITE_ENV.envId], capture(), err)).toBe(2);
    expect(await runSite(['deploy', join(dir, 'site'), '--env', SITE_ENV.envId, '--qrcode-rule', join(dir, 'site', 'index.html')], capture(), err)).toBe(2);
    expect(err.text()).toMatch(/--qrcode-rule .*not a readable JSON file/);
    const odd = mkdtempSync(join(tmpdir(), 'wxopen-odd-'));
    try {
      writeFileSync(join(odd, 'a%2e.html'), 'x');
      const refused = capture();
      expect(await runSite(['deploy', odd, '--env', SITE_ENV.envId], capture(), refused)).toBe(2);
      expect(refused.text()).toMatch(/a%2e\.html: must not contain percent-encoded sequences/);
    } finally {
      rmSync(odd, { recursive: true, force: true });
    }
    expect(emulator.calls).toEqual([]);
  });

  it('exits 1 with the failed step when the function answers an error', async () => {
    const err = capture();
    // a dry run sends the files inline, so the function itself meets the unknown env
    expect(await runSite(['deploy', join(dir, 'site'), '--env', 'other-env-0000', '--dry-run', '--retries', '0'], capture(), err)).toBe(1);
    expect(err.text()).toMatch(/deployStaticSite failed at hosting: -501007/);
  });
});
