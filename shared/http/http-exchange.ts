/**
 * One HTTP exchange over node:http / node:https, with one keep-alive agent per protocol for the
 * whole module instance (a function container): the request, the status, the headers and the body.
 * No redirects are followed, nothing is decompressed (no accept-encoding is sent), nothing is retried.
 *
 * Why not the global fetch: a process's first fetch() loads and starts undici, which costs more than
 * everything else in a cold start together (about 110 ms and 40 MiB of peak RSS on the bench's
 * machine, measured by `npm run bench`), and every later call pays its web-streams machinery
 * again (about 1.3x a plain node:http request). node:http is already part of Node's startup snapshot.
 *
 * Failures: the request's own time limit covers connecting, sending and reading the whole body;
 * when it runs out the exchange fails with a TimeoutError (isTimeout() in fetch-errors.ts), like
 * fetch with AbortSignal.timeout. Anything else is the socket's own error, with its code
 * (ECONNREFUSED, ENOTFOUND, ECONNRESET...). Idle keep-alive sockets never keep the process alive
 * (the agent unrefs them) and are closed after IDLE_SOCKET_MS, or earlier if the server's
 * Keep-Alive header says so, before a server would close them under a new request. node:http and
 * node:https are loaded on the first exchange that needs them (a bundle that answers without a
 * request never loads them; an http-only one, against the emulator, never loads TLS).
 */
import type * as Http from 'node:http';
import type * as Https from 'node:https';

export interface HttpExchange {
  url: string;
  method: 'GET' | 'POST' | 'PUT';
  /** Lower-case names. content-length is set from the body when not given. */
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Upper bound of the whole exchange, connecting to the last body byte (ms, at least 1). */
  timeoutMs: number;
  /** Read at most this many body bytes, then drop the connection (`truncated` says so). */
  maxBodyBytes?: number;
}

export interface HttpReply {
  status: number;
  headers: Http.IncomingHttpHeaders;
  body: Buffer;
  /** True when the body was cut at maxBodyBytes. */
  truncated: boolean;
}

/** The exchange ran out of time; named like the DOMException fetch throws, so one check covers both. */
export class TimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeoutError';
  }
}

/** The largest body allocated whole on its Content-Length (a 500 000-code package answer is about 30 MB). */
const MAX_SIZED_BODY_BYTES = 64 * 1024 * 1024;

/** Undici's default for idle connections without a server hint: below the servers' usual 5 s. */
const IDLE_SOCKET_MS = 4000;

interface Client {
  request: typeof Http.request;
  agent: Http.Agent;
}

let httpClient: Client | undefined;
let httpsClient: Client | undefined;

/** The protocol's module and keep-alive agent, loaded on first use. */
function clientFor(protocol: 'http:' | 'https:'): Client {
  if (protocol === 'https:') {
    if (httpsClient === undefined) {
      const https = require('node:https') as typeof Https;
      httpsClient = { request: https.request, agent: new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }) };
    }
    return httpsClient;
  }
  if (httpClient === undefined) {
    const http = require('node:http') as typeof Http;
    httpClient = { request: http.request, agent: new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }) };
  }
  return httpClient;
}

/**
 * Reads the body, up to `limit` bytes when given. With a Content-Length the bytes are copied into
 * one buffer of that size as they arrive, so each chunk is garbage at once and no second full-size
 * copy is made at the end (a market-code package answer is megabytes); without one, the chunks
 * are joined at the end.
 */
function readBody(response: Http.IncomingMessage, limit: number | undefined, done: (error: Error | undefined, body?: Buffer, truncated?: boolean) => void): void {
  const declared = Number(response.headers['content-length']);
  // Only what a WeChat answer can be is allocated ahead: a larger declaration is taken as it arrives.
  const sized = Number.isSafeInteger(declared) && declared > 0 && declared <= Math.min(limit ?? Infinity, MAX_SIZED_BODY_BYTES) ? Buffer.allocUnsafe(declared) : undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (error: Error | undefined, truncated = false): void => {
    if (finished) return;
    finished = true;
    if (error !== undefined) done(error);
    else if (sized !== undefined) done(undefined, sized.subarray(0, size), truncated);
    else done(undefined, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size), truncated);
  };
  response.on('data', (chunk: Buffer) => {
    if (sized !== undefined) {
      // A server sending more than it declared: the body is what was declared (Node's parser stops there anyway).
      size += chunk.copy(sized, size);
      return;
    }
    if (limit !== undefined && size + chunk.length > limit) {
      chunks.push(chunk.subarray(0, limit - size));
      size = limit;
      finish(undefined, true);
      response.destroy();
      return;
    }
    chunks.push(chunk);
    size += chunk.length;
  });
  response.on('end', () => finish(undefined));
  response.on('error', (error) => finish(error));
  // The connection went away mid-body (no 'end'): the body did not arrive whole.
  response.on('close', () => {
    if (!response.complete) finish(Object.assign(new Error('the connection closed before the whole body arrived'), { code: 'ECONNRESET' }));
  });
}

export function exchange(request: HttpExchange): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch (error) {
      reject(error);
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      reject(Object.assign(new TypeError(`only http and https URLs can be requested, not ${url.protocol}`), { code: 'ERR_INVALID_PROTOCOL' }));
      return;
    }
    const body = request.body === undefined ? undefined : typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body;
    const headers: Record<string, string> = { ...request.headers };
    if (body !== undefined && headers['content-length'] === undefined) headers['content-length'] = String(body.byteLength);
    let settled = false;
    const settle = (error: Error | undefined, reply?: HttpReply): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error !== undefined) reject(error);
      else resolve(reply as HttpReply);
    };
    const client = clientFor(url.protocol);
    const outgoing = client.request(url, { method: request.method, headers, agent: client.agent }, (response) => {
      readBody(response, request.maxBodyBytes, (error, bytes, truncated) => {
        if (error !== undefined) settle(error);
        else settle(undefined, { status: response.statusCode ?? 0, headers: response.headers, body: bytes as Buffer, truncated: truncated === true });
      });
    });
    // Armed after the request exists: a timeout destroys it, and the error comes back through 'error'.
    const timer = setTimeout(() => {
      const timeout = new TimeoutError(`no complete answer within ${request.timeoutMs} ms`);
      settle(timeout);
      outgoing.destroy(timeout);
    }, Math.max(1, request.timeoutMs));
    timer.unref();
    outgoing.on('error', (error) => settle(error));
    outgoing.end(body);
  });
}
