/**
 * A server in a process of its own, for the measurements where the server must not share the
 * measured process's event loop: `node --import tsx server-child.ts emulator|gateway`, options as
 * JSON in BENCH_SERVER_OPTIONS. Prints one JSON line {url} once listening; stops on SIGTERM or when
 * its stdin closes (the bench went away).
 */
import { startEmulator } from '../emulator';
import type { EmulatorSettings } from '../emulator/server';
import { startGateway } from '../gateway';

export interface ServerChildOptions {
  /** emulator: its settings. */
  settings?: Partial<EmulatorSettings>;
  /** gateway: the variables its functions see. */
  env?: Record<string, string>;
}

async function main(): Promise<void> {
  const kind = process.argv[2];
  const options = JSON.parse(process.env['BENCH_SERVER_OPTIONS'] ?? '{}') as ServerChildOptions;
  let server: { url: string; close(): Promise<void> };
  if (kind === 'emulator') server = await startEmulator({ settings: options.settings ?? {} });
  else if (kind === 'gateway') server = await startGateway({ env: options.env ?? {} });
  else throw new Error(`server-child: unknown kind ${String(kind)} (emulator or gateway)`);
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
