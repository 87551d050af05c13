import type { ServerResponse } from 'node:http';

/** What the HTTP client receives for one function answer. */
export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function isIntegratedResponse(answer: unknown): answer is { statusCode: number; headers?: unknown; body?: unknown; isBase64Encoded?: unknown } {
  return typeof answer === 'object' && answer !== null && !Array.isArray(answer) && typeof (answer as { statusCode?: unknown }).statusCode === 'number';
}

function json(status: number, value: unknown): HttpReply {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from(JSON.stringify(value ?? null)) };
}

/**
 * The HTTP access service's response mapping: an integrated response `{statusCode, headers, body,
 * isBase64Encoded}` is unwrapped (the client sees only its body, base64 decoded when flagged); a
 * string or number goes as text/plain; anything else as JSON with 200.
 */
export function toHttpReply(answer: unknown): HttpReply {
  if (isIntegratedResponse(answer)) {
    const headers: Record<string, string> = {};
    if (typeof answer.headers === 'object' && answer.headers !== null) {
      for (const [name, value] of Object.entries(answer.headers)) {
        if (typeof value === 'string' || typeof value === 'number') headers[name.toLowerCase()] = String(value);
      }
    }
    const raw = answer.body;
    const text = typeof raw === 'string' ? raw : raw === undefined || raw === null ? '' : JSON.stringify(raw);
    const body = answer.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
    const status = Number.isInteger(answer.statusCode) && answer.statusCode >= 100 && answer.statusCode <= 599 ? answer.statusCode : 502;
    return { status, headers, body };
  }
  if (typeof answer === 'string' || typeof answer === 'number') {
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from(String(answer)) };
  }
  return json(200, answer);
}

export function errorReply(status: number, answer: object): HttpReply {
  return json(status, answer);
}

export function sendReply(response: ServerResponse, reply: HttpReply): void {
  response.writeHead(reply.status, { ...reply.headers, 'content-length': reply.body.length });
  response.end(reply.body);
}
