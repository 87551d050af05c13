import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { callableFunctionNames } from '../../scripts/function-catalogue';
import { mapWithConcurrency } from '../../shared/concurrency';
import { DEMO_PLATFORM } from '../../scripts/emulator/platforms';
import { SERVICE_ACCOUNT, useEmulator } from '../support/emulator';
import { sampleOf } from '../support/samples';

// With WeChat hanging (the emulator holds every request), each function answers before the
// platform's time limit, and leaves no request, socket or timer behind it: run in a process of
// its own, the process ends by itself right after the answer.
const current = useEmulator();
const TIME_LIMIT_MS = 1500;
const CALLER = join(__dirname, '..', 'support', 'call-and-exit.cjs');
const MARKET_CODES = new Set(['applyCode', 'applyCodeDownload', 'applyCodeQuery', 'codeActive', 'codeActiveQuery', 'ticketToCode', 'exportCodePackage']);

function callAlone(name: string, env: NodeJS.ProcessEnv): Promise<{ answer: Record<string, unknown>; answeredMs: number; exitedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CALLER, name, JSON.stringify(sampleOf(name)), String(TIME_LIMIT_MS)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const killer = setTimeout(() => child.kill('SIGKILL'), TIME_LIMIT_MS + 5000);
    child.on('exit', () => {
      clearTimeout(killer);
      const exited = Date.now();
      try {
        // The platform's time limit runs from the invocation, not from the process's start.
        const { answer, calledAt, answeredAt } = JSON.parse(out) as { answer: Record<string, unknown>; calledAt: number; answeredAt: number };
        resolve({ answer, answeredMs: answeredAt - calledAt, exitedAfterMs: exited - answeredAt });
      } catch {
        reject(new Error(`${name}: no answer (${out.slice(0, 200)})`));
      }
    });
  });
}

it('every function answers a clear error before its time limit while WeChat hangs, and its process then ends by itself', async () => {
  const emulator = current();
  const componentToken = emulator.tokens.issue('wx1111111111111111', 'component', 86400).value;
  emulator.faults.add({ path: '*', type: 'delay', delay_ms: 4000, times: 100_000 });
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    WXOPEN_COMPONENT_ACCESS_TOKEN: componentToken,
    WXOPEN_MARKETCODE_KEY: SERVICE_ACCOUNT.marketcodeKey,
    WXOPEN_COMPONENT_APPID: DEMO_PLATFORM.componentAppId,
    WXOPEN_COMPONENT_APPSECRET: DEMO_PLATFORM.secret,
    WXOPEN_LOG_LEVEL: 'silent',
  };
  const names = callableFunctionNames();
  const outcomes = await mapWithConcurrency(names, 4, (name) => callAlone(name, { ...base, ...(MARKET_CODES.has(name) ? { WXOPEN_APPID: SERVICE_ACCOUNT.appid, WXOPEN_APPSECRET: SERVICE_ACCOUNT.secret } : {}) }));
  const rows: string[] = [];
  for (const [index, { answer, answeredMs, exitedAfterMs }] of outcomes.entries()) {
    const name = names[index] as string;
    rows.push(`${name} ${String(answer['errcode'])} in ${answeredMs} ms`);
    expect({ name, inTime: answeredMs < TIME_LIMIT_MS }).toEqual({ name, inTime: true });
    expect({ name, errcode: typeof answer['errcode'], hint: typeof answer['hint'] }).toEqual({ name, errcode: 'number', hint: 'string' });
    expect({ name, failed: answer['errcode'] !== 0 && answer['errcode'] !== 990099 }).toEqual({ name, failed: true });
    expect({ name, leftOpen: exitedAfterMs > 500 }).toEqual({ name, leftOpen: false });
  }
  emulator.faults.clear();
  process.stdout.write(`deadlines: ${rows.length} functions with WeChat hanging, each answered before its ${TIME_LIMIT_MS} ms and left nothing open: ${rows.join('; ')}\n`);
}, 120_000);
