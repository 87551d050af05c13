/**
 * 3. Per-call overhead: median and p99 of one WeChat call through main() (getJumpQRCode, token in
 * the cache) against a raw request of the same call with the same token, interleaved, 2 000 calls
 * each (call-overhead-worker.cjs). The emulator runs in a process of its own, as WeChat would not
 * share the caller's event loop. Peers: global fetch (the reference) and node:http with a
 * keep-alive agent (the cheapest request Node makes: the limit for any client on top of it).
 */
import { join } from 'node:path';
import { runMeasured } from './measured-process';
import type { Row } from './report';
import { startServerProcess } from './server-processes';
import { MINI_PROGRAM } from './scenarios';
import { median, quantile } from './stats';

const SECTION = '3 per-call overhead (one call in flight, interleaved)';
const CALLS = 2000;
const WARM_UP = 200;
const WORKER = join(__dirname, 'call-overhead-worker.cjs');

export async function callOverheadRows(): Promise<Row[]> {
  const emulator = await startServerProcess('emulator', { settings: { qrcodeJumpRatePerSecond: 0 } });
  let times: { ours: number[]; fetch: number[]; http: number[] };
  try {
    const env = { ...process.env, WXOPEN_API_BASE: emulator.url, WXOPEN_APPID: MINI_PROGRAM.appid, WXOPEN_APPSECRET: MINI_PROGRAM.secret, WXOPEN_LOG_LEVEL: 'silent', WXOPEN_CLOUDBASE_TOKEN_FILE: '/nonexistent/cloudbase_access_token' };
    const { stdout } = await runMeasured([WORKER, String(CALLS), String(WARM_UP)], { env, timeoutMs: 120_000 });
    times = JSON.parse(stdout) as typeof times;
  } finally {
    await emulator.close();
  }
  const figure = (samples: number[], q: number) => (q === 0.5 ? median(samples) : quantile(samples, q));
  const rows: Row[] = [];
  for (const [q, name] of [[0.5, 'p50'], [0.99, 'p99']] as const) {
    rows.push({
      id: `call.${name}.fetch`,
      section: SECTION,
      label: `qrcodejumpget through main(), ${name} (${CALLS} calls)`,
      ours: { value: figure(times.ours, q), unit: 'µs' },
      peer: { name: 'raw fetch, same token', value: figure(times.fetch, q), unit: 'µs' },
      target: { of: 'ratio', op: '<=', value: 1.1 },
    });
  }
  for (const [q, name] of [[0.5, 'p50'], [0.99, 'p99']] as const) {
    rows.push({
      id: `call.${name}.http`,
      section: SECTION,
      label: `qrcodejumpget through main(), ${name}`,
      ours: { value: figure(times.ours, q), unit: 'µs' },
      peer: { name: 'raw node:http keep-alive', value: figure(times.http, q), unit: 'µs' },
    });
  }
  return rows;
}
