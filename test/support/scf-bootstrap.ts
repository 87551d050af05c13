import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { functionSettings } from '../../scripts/cloudbaserc';
import { bundlePath } from '../../scripts/function-catalogue';

/**
 * Runs one built bundle through the Node bootstrap of the TCB runtime that @cloudbase/cli ships
 * (runtime/nodejs/bootstrap.js): the platform's own loader, not ours. One invocation per process,
 * as the shim does. The package is never `require`d (that would run the CLI): only its file path.
 */
export const BOOTSTRAP = require.resolve('@cloudbase/cli/runtime/nodejs/bootstrap.js');

export type BootstrapOutcome =
  | { kind: 'result'; requestId: string; value: unknown; stdout: string; stderr: string }
  | { kind: 'error'; requestId: string; error: { errorCode: number; errorMessage: string; stackTrace?: string }; stdout: string; stderr: string }
  | { kind: 'crash'; stdout: string; stderr: string; signal: NodeJS.Signals | null };

export interface BootstrapRun {
  event: unknown;
  /** Per-call variables (SCF_FUNCTION_ENVIRON); values must not contain "=" or ";" (the shim splits on them). */
  environ?: Record<string, string>;
  /** The function's variables (envVariables in cloudbaserc.json). */
  env?: Record<string, string>;
  /** Default: the function's timeout in cloudbaserc.json. */
  timeoutSeconds?: number;
  /** Kill after this long: the shim does not enforce the function's time limit. */
  killAfterMs?: number;
}

function lastLine(text: string): string {
  const lines = text.trimEnd().split('\n');
  return lines[lines.length - 1] ?? '';
}

/** Spawns the bootstrap for `name`. Event on fd 0 from a real file, output to real files (pipes truncate). */
export async function runInBootstrap(name: string, run: BootstrapRun): Promise<BootstrapOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'scf-bootstrap-'));
  try {
    const eventFile = join(dir, 'event.json');
    const outFile = join(dir, 'stdout.txt');
    const errFile = join(dir, 'stderr.txt');
    writeFileSync(eventFile, JSON.stringify(run.event));
    const stdin = openSync(eventFile, 'r');
    const stdout = openSync(outFile, 'w');
    const stderr = openSync(errFile, 'w');
    const environ = Object.entries(run.environ ?? {}).map(([key, value]) => `${key}=${value}`).join(';');
    let signal: NodeJS.Signals | null = null;
    try {
      const child = spawn(process.execPath, [BOOTSTRAP], {
        stdio: [stdin, stdout, stderr],
        timeout: run.killAfterMs ?? 15000,
        killSignal: 'SIGKILL',
        env: {
          PATH: process.env['PATH'] ?? '/usr/bin:/bin',
          GLOBAL_USER_FILE_PATH: `${dirname(bundlePath(name))}/`,
          SCF_FUNCTION_HANDLER: 'index.main',
          SCF_FUNCTION_NAME: name,
          SCF_FUNCTION_TIMEOUT: String(run.timeoutSeconds ?? functionSettings(name).timeoutSeconds),
          SCF_FUNCTION_MEMORY_SIZE: String(functionSettings(name).memoryMb),
          SCF_FUNCTION_ENVIRON: environ,
          DOCKER_USE_STDIN: '1',
          ...run.env,
        },
      });
      signal = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
        child.on('error', reject);
        child.on('exit', (_code, exitSignal) => resolve(exitSignal));
      });
    } finally {
      closeSync(stdin);
      closeSync(stdout);
      closeSync(stderr);
    }
    const out = readFileSync(outFile, 'utf8');
    const err = readFileSync(errFile, 'utf8');
    const requestId = /^START RequestId: (\S+)$/m.exec(out)?.[1];
    if (requestId !== undefined && out.includes(`\nEND RequestId: ${requestId}\n`)) {
      return { kind: 'result', requestId, value: JSON.parse(lastLine(out)), stdout: out, stderr: err };
    }
    if (requestId !== undefined && err.includes(`REPORT RequestId: ${requestId}\n`)) {
      return { kind: 'error', requestId, error: JSON.parse(lastLine(err)) as { errorCode: number; errorMessage: string }, stdout: out, stderr: err };
    }
    return { kind: 'crash', stdout: out, stderr: err, signal };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs tasks with at most `limit` in flight (the machine has 2 cores; each spawn is a Node process). */
export async function withConcurrency<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  });
  await Promise.all(workers);
  return results;
}
