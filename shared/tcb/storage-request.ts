/**
 * One request that sends file bytes to cloud storage (COS) at a URL WeChat signed: a PUT for static
 * hosting, a multipart POST for cloud storage. The URL must already have passed
 * upload-host-policy.ts. Redirects are not followed; errors name the host and path, never the query
 * (where a signature lives). COS errors are XML; their Code and Message are quoted (redacted).
 * Over node:http (http-exchange.ts), not fetch: a cold start should not load undici for one upload.
 */
import type { Deadline } from '../deadline';
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import { isTimeout } from '../http/fetch-errors';
import { exchange, type HttpReply } from '../http/http-exchange';
import { withoutQuery } from '../static-hosting/upload-host-policy';
import { cosError } from './cos-error';

export interface StorageRequest {
  url: string;
  method: 'PUT' | 'POST';
  /** Lower-case names. */
  headers?: Record<string, string>;
  body: Uint8Array;
  /** What is being uploaded, for messages (a filename or path, never a URL). */
  label: string;
  deadline: Deadline;
}

/** What the storage answered (2xx). */
export interface StorageReply {
  status: number;
  /** A response header's value (lower-case name), undefined when absent. */
  header(name: string): string | undefined;
}

/** Less time than this left: do not start sending bytes. */
export const MIN_UPLOAD_MS = 500;

/** Sends the bytes; answers the 2xx response, or throws UPLOAD_REFUSED (3xx/4xx) / UPLOAD_STORAGE_UNAVAILABLE (network, 5xx). */
export async function sendToStorage(request: StorageRequest): Promise<StorageReply> {
  const { label, method, deadline } = request;
  const where = withoutQuery(request.url);
  const budget = deadline.remainingMs();
  if (budget < MIN_UPLOAD_MS) {
    throw new LocalError(LOCAL.DEADLINE_EXCEEDED, `${label}: no time left in the function's budget to upload (nothing was sent)`);
  }
  let reply: HttpReply;
  try {
    reply = await exchange({ url: request.url, method, headers: request.headers ?? {}, body: request.body, timeoutMs: budget });
  } catch (error) {
    const reason = isTimeout(error) ? `no answer within ${budget} ms` : 'network error';
    throw new LocalError(LOCAL.UPLOAD_STORAGE_UNAVAILABLE, `${label}: ${method} ${where}: ${reason}`, { cause: error });
  }
  const { status } = reply;
  if (status >= 300 && status < 400) {
    throw new LocalError(LOCAL.UPLOAD_REFUSED, `${label}: ${method} ${where}: HTTP ${status} redirect, not followed; nothing was uploaded`);
  }
  const text = (): string => reply.body.toString('utf8');
  if (status >= 500) {
    throw new LocalError(LOCAL.UPLOAD_STORAGE_UNAVAILABLE, `${label}: ${method} ${where}: HTTP ${status}${cosError(text())}`);
  }
  if (status < 200 || status >= 300) {
    throw new LocalError(LOCAL.UPLOAD_REFUSED, `${label}: ${method} ${where}: HTTP ${status}${cosError(text())}`);
  }
  return {
    status,
    header: (name) => {
      const value = reply.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}
