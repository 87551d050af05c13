import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A port that something else already holds: says which, and how to pick another. */
export class PortInUseError extends Error {
  constructor(
    readonly what: string,
    readonly host: string,
    readonly port: number,
    readonly how: string,
  ) {
    super(`${what}: port ${port} on ${host} is already in use. Stop what holds it, or choose another port with ${how}.`);
    this.name = 'PortInUseError';
  }
}

/** Listens and resolves with the bound port; a busy port becomes a PortInUseError naming the option to change. */
export async function listen(server: Server, port: number, host: string, what: string, how: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(what, host, port, how) : error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** http://host:port, with IPv6 hosts bracketed. */
export function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
