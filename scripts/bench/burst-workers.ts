import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** token-burst-worker.cjs: one function instance (a process of its own) making a burst of calls for one merchant. */
export const BURST_WORKER = join(__dirname, 'token-burst-worker.cjs');

export interface BurstPhase {
  phase: number;
  ok: number;
  failed: string[];
  ms: number;
}

export interface BurstWorker {
  child: ChildProcess;
  phases: BurstPhase[];
  /** When the worker had loaded its bundles and began calling (epoch ms), once it has. */
  loadedAt(): number | undefined;
  /** Resolves once the worker has reported `count` phases; rejects if it exits first. */
  phaseDone(count: number): Promise<void>;
  exited: Promise<number | null>;
}

export interface BurstOptions {
  /** Calls per phase (half getJumpQRCode, half getStaticHostingDomain). */
  calls: number;
  /** Phase 2 starts once this file exists. */
  goFile: string;
  merchant: string;
  /** The merchant's CloudBase environment (for getStaticHostingDomain). */
  merchantEnv: string;
  env: NodeJS.ProcessEnv;
}

export function startBurstWorker(options: BurstOptions): BurstWorker {
  const child = spawn(process.execPath, [BURST_WORKER, String(options.calls), options.goFile, options.merchant, options.merchantEnv], {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const phases: BurstPhase[] = [];
  let loadedAt: number | undefined;
  const waiters: Array<() => void> = [];
  const wake = (): void => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffered.slice(0, newline)) as BurstPhase | { loaded: number };
      if ('loaded' in line) loadedAt = line.loaded;
      else phases.push(line);
      buffered = buffered.slice(newline + 1);
      wake();
    }
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      wake();
      resolve(code);
    }),
  );
  const phaseDone = async (count: number): Promise<void> => {
    while (phases.length < count) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`burst worker exited (${String(child.exitCode ?? child.signalCode)}) after ${phases.length} phases: ${stderr}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { child, phases, loadedAt: () => loadedAt, phaseDone, exited };
}
