import { Deadline } from '../deadline';
import { LOCAL } from '../error-codes';
import { LocalError, WeChatApiError } from '../errors';
import { parseJson, stringifyJson } from '../json';
import { redact } from '../redact';
import { isTimeout } from './fetch-errors';
import { exchange, type HttpReply } from './http-exchange';

export interface JsonRequest {
  /** The API name for messages and logs, e.g. "cgi-bin/wxopen/qrcodejumpadd". */
  api: string;
  /** Full URL, token included. Never printed without redaction. */
  url: string;
  method?: 'POST' | 'GET';
  body?: unknown;
  deadline: Deadline;
  /** Upper bound for this one request; the deadline may cut it shorter. */
  timeoutMs: number;
}

/**
 * A network failure. `sent` is false when the request certainly never reached WeChat (DNS failure,
 * connection refused): then even a non-idempotent call may be retried.
 */
export class NetworkError extends LocalError {
  readonly sent: boolean;
  constructor(message: string, sent: boolean, cause: unknown) {
    super(LOCAL.NETWORK_ERROR, message, {
      cause,
      ...(sent ? { hint: 'The connection failed after the request was sent: it may or may not have taken effect. Check the current state before retrying.' } : {}),
    });
    this.sent = sent;
  }
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** The body as text, the way fetch's response.text() reads it: UTF-8, a leading byte-order mark dropped. */
function utf8Text(body: Buffer): string {
  const start = body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  return body.toString('utf8', start);
}

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * One HTTP request to WeChat, answered by a parsed JSON object. WeChat signals errors with HTTP 200
 * and `errcode != 0`: that becomes a WeChatApiError. Everything else that goes wrong becomes a
 * LocalError with a stable code. No retries here (see retry.ts).
 */
export async function requestJson(request: JsonRequest): Promise<Record<string, unknown>> {
  const budget = Math.min(request.timeoutMs, request.deadline.remainingMs());
  if (budget <= 0) {
    throw new LocalError(LOCAL.DEADLINE_EXCEEDED, `${request.api}: no time left in the function's budget to call WeChat`);
  }
  const timedOutByDeadline = budget < request.timeoutMs;
  const method = request.method ?? 'POST';
  let reply: HttpReply;
  try {
    reply = await exchange({
      url: request.url,
      method,
      headers: method === 'POST' ? { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' } : { accept: 'application/json' },
      ...(method === 'POST' ? { body: stringifyJson(request.body ?? {}) } : {}),
      timeoutMs: budget,
    });
  } catch (error) {
    if (isTimeout(error)) {
      throw new LocalError(
        timedOutByDeadline ? LOCAL.DEADLINE_EXCEEDED : LOCAL.NETWORK_ERROR,
        `${request.api}: WeChat did not answer within ${budget} ms`,
        { cause: error, hint: 'The request was sent but not answered in time: it may or may not have taken effect.' },
      );
    }
    const code = causeCode(error) ?? 'unknown';
    throw new NetworkError(`${request.api}: network error (${code})`, !NOT_SENT_CODES.has(code), error);
  }
  const text = utf8Text(reply.body);
  let parsed: unknown;
  try {
    parsed = parseJson(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const snippet = redact(text.slice(0, 120)).replace(/\s+/g, ' ');
    if (reply.status >= 500) {
      throw new LocalError(LOCAL.UPSTREAM_UNAVAILABLE, `${request.api}: HTTP ${reply.status} from WeChat's gateway, no WeChat answer: ${snippet}`);
    }
    throw new LocalError(
      LOCAL.BAD_UPSTREAM_RESPONSE,
      `${request.api}: expected a JSON object, got HTTP ${reply.status}: ${snippet}`,
    );
  }
  const body = parsed as Record<string, unknown>;
  const errcode = body['errcode'];
  if (typeof errcode === 'number' && errcode !== 0) {
    const errmsg = typeof body['errmsg'] === 'string' ? body['errmsg'] : '';
    throw new WeChatApiError(request.api, errcode, redact(errmsg));
  }
  if (reply.status < 200 || reply.status >= 300) {
    throw new LocalError(LOCAL.BAD_UPSTREAM_RESPONSE, `${request.api}: HTTP ${reply.status} without a WeChat error code`);
  }
  return body;
}
