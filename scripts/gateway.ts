/**
 * A local stand-in for the TCB HTTP access service over the built bundles:
 * `http://127.0.0.1:<port>/<functionName>` gives the function the event the real service gives
 * (integrated request), with an SCF-like context, and turns its answer into the HTTP reply the
 * real service sends. One warm instance per function (module code runs once).
 *
 * npm run gateway [-- --port 8788 --host 127.0.0.1]: the gateway alone, the functions reading their
 * variables from this shell (WXOPEN_API_BASE decides whether they talk to WeChat or an emulator).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { LOCAL } from '../shared/error-codes';
import { log, type LogLevel } from '../shared/log';
import { redact } from '../shared/redact';
import { LocalError, toWxOpenError, type WxOpenError } from '../shared/errors';
import { functionNames } from './function-catalogue';
import { docsReply } from './openapi/serve-docs';
import { BundleHost } from './local-runtime/bundle-host';
import { toHttpAccessEvent } from './local-runtime/http-event';
import { errorReply, sendReply, toHttpReply, type HttpReply } from './local-runtime/http-reply';
import { listen, urlOf } from './local-runtime/listen';
import { scfContext } from './local-runtime/scf-context';
import { installScopedEnv, runWithEnv, type EnvOverrides } from './local-runtime/scoped-env';

/** The HTTP access service refuses synchronous events above 6 MB. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;
export const DEFAULT_GATEWAY_PORT = 8788;

export interface GatewayOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Variables the functions see (set in process.env while the gateway runs, restored by close()). */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Variables one function sees on top of `env`, as if each function had its own envVariables
   * (undefined: unset for it). Asked per call; calls running at the same time each see their own.
   */
  functionEnv?: (functionName: string) => EnvOverrides | undefined;
  /** envId put in requestContext (default "local"). */
  envId?: string;
  /** Told about every request once answered. */
  onRequest?: (entry: RequestEntry) => void;
}

/** One answered request; `path` is redacted (a query may carry a token). */
export interface RequestEntry {
  method: string;
  path: string;
  status: number;
  ms: number;
  requestId: string;
}

/**
 * A request line in the functions' own log format (shared/log.ts: JSON lines, readable text on a
 * terminal), so that npm start and npm run gateway print one format. `level` overrides the
 * threshold (npm start gives the functions a threshold of their own).
 */
export function logRequest(entry: RequestEntry, level?: LogLevel | 'silent'): void {
  log('info', `${entry.method} ${entry.path} -> ${entry.status}`, { status: entry.status, ms: entry.ms, request_id: entry.requestId }, level === undefined ? {} : { level });
}

export interface Gateway {
  url: string;
  host: string;
  port: number;
  /** The function folders the gateway serves (read when asked: new builds are picked up). */
  functions(): string[];
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

/** The whole body (listeners, not an async iterator: this runs on every request). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    request.once('error', reject);
  });
}

function failure(error: WxOpenError): HttpReply {
  return errorReply(error.httpStatus, error.toAnswer());
}

/** The function a path names: its first segment, percent-decoded (left as is when malformed: no function has that name, 404). */
function functionNameOf(pathname: string): string {
  const segment = pathname.split('/')[1] ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Applies variables to process.env; returns how to put back what was there. */
function applyEnv(env: Readonly<Record<string, string | undefined>>): () => void {
  const saved = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(env)) {
    saved.set(key, process.env[key]);
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/** Starts the gateway. Every folder under functions/ is served; nothing is listed by hand. */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const host = options.host ?? '127.0.0.1';
  const envId = options.envId ?? 'local';
  const bundles = new BundleHost();
  const restoreProcessEnv = applyEnv(options.env ?? {});
  const releaseScopedEnv = options.functionEnv === undefined ? () => undefined : installScopedEnv();
  const restoreEnv = (): void => {
    releaseScopedEnv();
    restoreProcessEnv();
  };

  async function answer(request: IncomingMessage, requestId: string): Promise<HttpReply> {
    const url = new URL(request.url ?? '/', 'http://gateway.local');
    // GET /openapi.json and /docs: the API document and its page (no function has those names).
    const docs = docsReply(request.method, url.pathname, request.headers.host);
    if (docs !== undefined) return docs;
    const name = functionNameOf(url.pathname);
    let body: Buffer;
    try {
      body = await readBody(request, MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        return failure(new LocalError(LOCAL.GATEWAY_BODY_TOO_LARGE, `request body larger than ${MAX_BODY_BYTES} bytes`));
      }
      throw error;
    }
    try {
      const event = toHttpAccessEvent(request, body, { requestId, envId });
      const overrides = options.functionEnv?.(name);
      const call = async (): Promise<unknown> => {
        bundles.load(name);
        const context = { ...scfContext(name, { namespace: envId }), request_id: requestId };
        return bundles.invoke(name, event, context);
      };
      return toHttpReply(await (overrides === undefined ? call() : runWithEnv(overrides, call)));
    } catch (error) {
      return failure(toWxOpenError(error));
    }
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const started = Date.now();
    const requestId = randomUUID();
    answer(request, requestId)
      .catch((error: unknown) => failure(toWxOpenError(error)))
      .then((reply) => {
        if (reply.status === 413) response.setHeader('connection', 'close');
        sendReply(response, reply);
        options.onRequest?.({ method: request.method ?? 'GET', path: redact(request.url ?? '/'), status: reply.status, ms: Date.now() - started, requestId });
      })
      .catch(() => response.destroy());
  });

  let port: number;
  try {
    port = await listen(server, options.port ?? 0, host, 'gateway', '--port <n> (or GATEWAY_PORT=<n>)');
  } catch (error) {
    restoreEnv();
    throw error;
  }
  let closed = false;
  return {
    url: urlOf(host, port),
    host,
    port,
    functions: functionNames,
    async close() {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      restoreEnv();
    },
  };
}

/** Reads a port option: a flag, else a variable, else the default. Throws with the option's name. */
export function portOption(value: string | undefined, variable: string, fallback: number): number {
  const text = value ?? process.env[variable];
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${variable} / --port: "${text}" is not a port number (0-65535)`);
  return port;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' } } });
  const gateway = await startGateway({
    port: portOption(values.port, 'GATEWAY_PORT', DEFAULT_GATEWAY_PORT),
    host: values.host,
    onRequest: (entry) => logRequest(entry),
  });
  console.log(`gateway listening on ${gateway.url}`);
  console.log(`functions talk to ${process.env['WXOPEN_API_BASE'] ?? 'https://api.weixin.qq.com (WXOPEN_API_BASE unset)'}`);
  for (const name of gateway.functions()) console.log(`  POST ${gateway.url}/${name}`);
  const stop = (): void => {
    gateway.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
