/** Starts scripts/bench/server-child.ts (an emulator or a gateway in a process of its own) and waits until it listens. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../function-catalogue';
import type { ServerChildOptions } from './server-child';

export interface ServerProcess {
  url: string;
  pid: number;
  close(): Promise<void>;
}

const CHILD = join(__dirname, 'server-child.ts');

export function startServerProcess(kind: 'emulator' | 'gateway' | 'proxy', options: ServerChildOptions = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, kind], {
    cwd: ROOT,
    env: { ...process.env, BENCH_SERVER_OPTIONS: JSON.stringify(options) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      const { url } = JSON.parse(stdout.slice(0, newline)) as { url: string };
      resolve({ url, pid: child.pid ?? 0, close });
    });
    child.once('exit', (code) => reject(new Error(`${kind} process exited (${String(code)}) before listening: ${stderr.slice(0, 2000)}`)));
  });
}
