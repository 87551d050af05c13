/**
 * Measures the memory one applyCodeDownload call takes for a whole 50 000-code segment, end to end
 * through the built bundle (token, applycodequery, applycodedownload, base64 + AES decryption, line
 * split, the answer object). The emulator runs in this process; the function runs alone in a child
 * process whose peak RSS growth during the call is reported.
 *
 *   npm run build && npx tsx scripts/measure-marketcode-memory.ts [codes-per-segment ...]   (default: 0 10000 50000)
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startEmulator } from './emulator';
import { DEMO_ACCOUNTS } from './emulator/accounts';
import { bundlePath } from './function-catalogue';

const SERVICE = DEMO_ACCOUNTS.find((account) => account.type === 'service')!;

const CHILD = `
const main = require(process.env.BUNDLE).main;
const input = JSON.parse(process.env.INPUT);
global.gc();
const before = process.memoryUsage().rss;
const peakBefore = process.resourceUsage().maxRSS * 1024;
main(input).then((answer) => {
  const peak = process.resourceUsage().maxRSS * 1024;
  const heap = process.memoryUsage();
  if (answer.errcode !== 0) throw new Error(JSON.stringify(answer).slice(0, 300));
  console.log(JSON.stringify({ codes: answer.code_count ?? 0, plaintextBytes: answer.bytes, rssBefore: before, peakBefore, peak, heapUsedAfter: heap.heapUsed, externalAfter: heap.external + heap.arrayBuffers }));
});
`;

/** codes = 0: the same call chain without a package (applyCodeQuery), for the fixed cost of a cold call. */
async function measure(codes: number): Promise<void> {
  const emulator = await startEmulator({ settings: { marketcodeFinishDelaySeconds: 0 } });
  try {
    const token = emulator.tokens.issue(SERVICE.appid, 'access').value;
    const applied = await fetch(`${emulator.url}/intp/marketcode/applycode?access_token=${token}`, {
      method: 'POST',
      body: JSON.stringify({ code_count: Math.max(10000, Math.ceil(codes / 10000) * 10000), isv_application_id: `measure-${codes}` }),
    });
    const { application_id } = (await applied.json()) as { application_id: number };
    const downloaded = await fetch(`${emulator.url}/intp/marketcode/applycodedownload?access_token=${token}`, {
      method: 'POST',
      body: JSON.stringify({ application_id, code_start: 0, code_end: Math.max(codes, 10000) - 1 }),
    });
    const buffer = ((await downloaded.json()) as { buffer: string }).buffer;
    // Asynchronous: the emulator in this process must keep answering while the child runs.
    const { stdout: output } = await promisify(execFile)(process.execPath, ['--expose-gc', '-e', CHILD], {
      env: {
        ...process.env,
        BUNDLE: bundlePath(codes === 0 ? 'applyCodeQuery' : 'applyCodeDownload'),
        INPUT: JSON.stringify(codes === 0 ? { application_id: String(application_id) } : { application_id: String(application_id), code_start: 0, code_end: codes - 1 }),
        WXOPEN_API_BASE: emulator.url,
        WXOPEN_APPID: SERVICE.appid,
        WXOPEN_APPSECRET: SERVICE.secret,
        WXOPEN_MARKETCODE_KEY: SERVICE.marketcodeKey,
        WXOPEN_LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
    });
    const result = JSON.parse(output) as { codes: number; plaintextBytes?: number; rssBefore: number; peakBefore: number; peak: number };
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    console.log(
      (codes === 0 ? 'no package (applyCodeQuery, fixed cost of a cold call): ' : `${result.codes} codes: ciphertext (base64) ${mb(buffer.length)}, plaintext ${mb(result.plaintextBytes ?? 0)}; `) +
        `child RSS before the call ${mb(result.rssBefore)}, peak during it ${mb(result.peak)} ` +
        `(growth ${mb(result.peak - Math.max(result.rssBefore, result.peakBefore))} over the previous high-water mark)`,
    );
  } finally {
    await emulator.close();
  }
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number);
  for (const codes of sizes.length > 0 ? sizes : [0, 10000, 50000]) await measure(codes);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
