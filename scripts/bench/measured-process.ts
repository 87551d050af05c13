/**
 * One fresh `node` process, measured from outside: wall time from spawn to exit and peak resident
 * memory. Peak RSS comes from GNU time (`/usr/bin/time -f %M`) when the machine has it, else from
 * the child itself (`process.resourceUsage().maxRSS` printed at exit by a preloaded script).
 * Spawned asynchronously: the bench process keeps serving the emulator while the child runs.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../function-catalogue';

const GNU_TIME = '/usr/bin/time';
const MAXRSS_PRELOAD = join(__dirname, 'print-maxrss.cjs');
/** The marker print-maxrss.cjs puts before its figure (KiB). */
const MAXRSS_MARK = '__bench_maxrss_kib=';

export interface ProcessFigures {
  wallMs: number;
  peakRssMiB: number;
  stdout: string;
}

export interface MeasuredOptions {
  env: NodeJS.ProcessEnv;
  /** Killed (and the run failed) after this long; default 60 s. */
  timeoutMs?: number;
}

let gnuTime: boolean | undefined;

function hasGnuTime(): boolean {
  gnuTime ??= existsSync(GNU_TIME);
  return gnuTime;
}

/** Where peak RSS was read from, for the results' notes. */
export function peakRssSource(): string {
  return hasGnuTime() ? `${GNU_TIME} -f %M` : 'process.resourceUsage().maxRSS';
}

/** Runs `node <nodeArgs>` (cwd: the project root) and measures it; rejects when it exits non-zero. */
export function runMeasured(nodeArgs: readonly string[], options: MeasuredOptions): Promise<ProcessFigures> {
  const [command, args] = hasGnuTime() ? [GNU_TIME, ['-f', `${MAXRSS_MARK}%M`, process.execPath, ...nodeArgs]] : [process.execPath, ['-r', MAXRSS_PRELOAD, ...nodeArgs]];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd: ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      const mark = stderr.lastIndexOf(MAXRSS_MARK);
      const peakKiB = mark < 0 ? Number.NaN : Number.parseInt(stderr.slice(mark + MAXRSS_MARK.length), 10);
      if (code !== 0) {
        reject(new Error(`node ${nodeArgs.join(' ').slice(0, 200)} exited with ${String(code ?? signal)}: ${stderr.slice(0, 2000)}`));
        return;
      }
      resolve({ wallMs, peakRssMiB: peakKiB / 1024, stdout });
    });
  });
}
