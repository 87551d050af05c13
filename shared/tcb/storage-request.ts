/**
 * One request that sends file bytes to cloud storage (COS) at a URL WeChat signed: a PUT for static
 * hosting, a multipart POST for cloud storage. The URL must already have passed
 * upload-host-policy.ts. Redirects are not followed; errors name the host and path, never the query
 * (where a signature lives). COS errors are XML; their Code and Message are quoted (redacted).
 */
import type { Deadline } from '../deadline';
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import { isTimeout } from '../http/fetch-errors';
import { withoutQuery } from '../static-hosting/upload-host-policy';
import { cosError } from './cos-error';

export interface StorageRequest {
  url: string;
  method: 'PUT' | 'POST';
  headers?: Record<string, string>;
  body: BodyInit;
  /** What is being uploaded, for messages (a filename or path, never a URL). */
  label: string;
  deadline: Deadline;
}

/** Less time than this left: do not start sending bytes. */
export const MIN_UPLOAD_MS = 500;

/** Sends the bytes; answers the 2xx response, or throws UPLOAD_REFUSED (3xx/4xx) / UPLOAD_STORAGE_UNAVAILABLE (network, 5xx). */
export async function sendToStorage(request: StorageRequest): Promise<Response> {
  const { label, method, deadline } = request;
  const where = withoutQuery(request.url);
  const budget = deadline.remainingMs();
  if (budget < MIN_UPLOAD_MS) {
    throw new LocalError(LOCAL.DEADLINE_EXCEEDED, `${label}: no time left in the function's budget to upload (nothing was sent)`);
  }
  let response: Response;
  let text: string;
  try {
    const init: RequestInit = { method, redirect: 'manual', signal: AbortSignal.timeout(budget), body: request.body };
    if (request.headers !== undefined) init.headers = request.headers;
    response = await fetch(request.url, init);
    text = await response.text();
  } catch (error) {
    const reason = isTimeout(error) ? `no answer within ${budget} ms` : 'network error';
    throw new LocalError(LOCAL.UPLOAD_STORAGE_UNAVAILABLE, `${label}: ${method} ${where}: ${reason}`, { cause: error });
  }
  if (response.status >= 300 && response.status < 400) {
    throw new LocalError(LOCAL.UPLOAD_REFUSED, `${label}: ${method} ${where}: HTTP ${response.status} redirect, not followed; nothing was uploaded`);
  }
  if (response.status >= 500) {
    throw new LocalError(LOCAL.UPLOAD_STORAGE_UNAVAILABLE, `${label}: ${method} ${where}: HTTP ${response.status}${cosError(text)}`);
  }
  if (!response.ok) {
    throw new LocalError(LOCAL.UPLOAD_REFUSED, `${label}: ${method} ${where}: HTTP ${response.status}${cosError(text)}`);
  }
  return response;
}
