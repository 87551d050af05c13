/**
 * A server in a process of its own, for the measurements where the server must not share the
 * measured process's event loop: `node --import tsx server-child.ts emulator|gateway|proxy`, options
 * as JSON in BENCH_SERVER_OPTIONS. `proxy` is the floor of any gateway: a bare node:http server that
 * sends each request's body on to one upstream URL (keep-alive) and answers with what came back,
 * nothing else. Prints one JSON line {url} once listening; stops on SIGTERM or when
 * its stdin closes (the bench went away).
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator } from '../emulator';
import type { EmulatorSettings } from '../emulator/server';
import { startGateway } from '../gateway';

export interface ServerChildOptions {
  /** emulator: its settings. */
  settings?: Partial<EmulatorSettings>;
  /** gateway: the variables its functions see. */
  env?: Record<string, string>;
  /** proxy: where every request goes. */
  upstream?: string;
}

/** The bare proxy (see above). */
async function startProxy(upstream: string): Promise<{ url: string; close(): Promise<void> }> {
  const agent = new Agent({ keepAlive: true });
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const sent = request(upstream, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(body.length) } }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => parts.push(chunk));
        answer.on('end', () => {
          const reply = Buffer.concat(parts);
          outgoing.writeHead(answer.statusCode ?? 502, { 'content-type': 'application/json', 'content-length': String(reply.length) });
          outgoing.end(reply);
        });
      });
      sent.on('error', () => outgoing.destroy());
      sent.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      agent.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function main(): Promise<void> {
  const kind = process.argv[2];
  const options = JSON.parse(process.env['BENCH_SERVER_OPTIONS'] ?? '{}') as ServerChildOptions;
  let server: { url: string; close(): Promise<void> };
  if (kind === 'emulator') server = await startEmulator({ settings: options.settings ?? {} });
  else if (kind === 'gateway') server = await startGateway({ env: options.env ?? {} });
  else if (kind === 'proxy' && options.upstream !== undefined) server = await startProxy(options.upstream);
  else throw new Error(`server-child: unknown kind ${String(kind)} (emulator, gateway, or proxy with an upstream)`);
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
