import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exchange } from '../../shared/http/http-exchange';

// What the exchange reads of a body, against a real node:http server on 127.0.0.1 that answers
// each path its own way.
let server: Server;
let base: string;

const BIG = Buffer.alloc(3 * 1024 * 1024 + 17, 'a');

function sendInChunks(response: ServerResponse, body: Buffer, chunkBytes: number): void {
  let offset = 0;
  const next = (): void => {
    if (offset >= body.length) {
      response.end();
      return;
    }
    response.write(body.subarray(offset, offset + chunkBytes), next);
    offset += chunkBytes;
  };
  next();
}

beforeAll(async () => {
  server = createServer((request, response) => {
    switch (request.url) {
      case '/sized':
        response.writeHead(200, { 'content-length': String(BIG.length) });
        sendInChunks(response, BIG, 64 * 1024);
        return;
      case '/chunked':
        response.writeHead(200, { 'transfer-encoding': 'chunked' });
        sendInChunks(response, BIG, 100 * 1024);
        return;
      case '/short':
        // Declares more than it sends, then the connection goes.
        response.writeHead(200, { 'content-length': '1000' });
        response.write('x'.repeat(10), () => response.socket?.destroy());
        return;
      case '/huge':
        // A declaration far past any WeChat answer: taken as it arrives, never allocated ahead.
        response.writeHead(200, { 'content-length': String(10 * 1024 * 1024 * 1024) });
        response.write('y'.repeat(10), () => response.socket?.destroy());
        return;
      default:
        response.writeHead(404, { 'content-length': '0' });
        response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('http exchange: reading the body', () => {
  it('reads a body with a Content-Length whole, whatever its chunks', async () => {
    const reply = await exchange({ url: `${base}/sized`, method: 'GET', timeoutMs: 10_000 });
    expect({ status: reply.status, length: reply.body.length, truncated: reply.truncated }).toEqual({ status: 200, length: BIG.length, truncated: false });
    expect(reply.body.equals(BIG)).toBe(true);
  });

  it('reads a chunked body whole', async () => {
    const reply = await exchange({ url: `${base}/chunked`, method: 'GET', timeoutMs: 10_000 });
    expect(reply.body.equals(BIG)).toBe(true);
  });

  it('cuts a body at maxBodyBytes and says so, declared length or not', async () => {
    for (const path of ['/sized', '/chunked']) {
      const reply = await exchange({ url: `${base}${path}`, method: 'GET', timeoutMs: 10_000, maxBodyBytes: 1000 });
      expect({ path, length: reply.body.length, truncated: reply.truncated }).toEqual({ path, length: 1000, truncated: true });
      expect(reply.body.equals(BIG.subarray(0, 1000))).toBe(true);
    }
  });

  it('fails, naming the lost connection, when less arrives than was declared (a small or a huge declaration)', async () => {
    for (const path of ['/short', '/huge']) {
      const failure = await exchange({ url: `${base}${path}`, method: 'GET', timeoutMs: 10_000 }).catch((error: unknown) => error);
      expect({ path, code: (failure as { code?: string }).code, message: (failure as Error).message }).toEqual({
        path,
        code: 'ECONNRESET',
        message: expect.stringMatching(/closed before the whole body arrived|socket hang up|aborted/) as unknown as string,
      });
    }
  });

  it('gives an empty body for a Content-Length of 0', async () => {
    const reply = await exchange({ url: `${base}/missing`, method: 'GET', timeoutMs: 10_000 });
    expect({ status: reply.status, length: reply.body.length }).toEqual({ status: 404, length: 0 });
  });
});
