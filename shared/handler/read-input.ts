import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import { parseJson } from '../json';
import type { Caller } from './caller';

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new LocalError(LOCAL.BAD_REQUEST_BODY, `${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * The operation's input, whatever the way in: the HTTP body (JSON, maybe base64), or the event
 * itself. `userInfo` (which the platform adds to Mini Program calls) is identity, not input, and
 * is dropped: identity comes from the per-call environment only.
 */
export function readInput(event: unknown, caller: Caller): Record<string, unknown> {
  if (caller.kind === 'http') {
    const method = caller.event.httpMethod.toUpperCase();
    if (method !== 'POST') {
      throw new LocalError(LOCAL.METHOD_NOT_ALLOWED, `HTTP ${method} is not accepted: call with POST and a JSON body`);
    }
    const raw: unknown = caller.event.body ?? '';
    // The HTTP access service hands the body over as text (base64 when binary); anything else is
    // not a request this function can read.
    if (typeof raw !== 'string') {
      throw new LocalError(LOCAL.BAD_REQUEST_BODY, `body: must be the request's text as the HTTP access service gives it, not ${Array.isArray(raw) ? 'an array' : `a ${typeof raw}`}`, { field: 'body' });
    }
    const text = caller.event.isBase64Encoded === true ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    if (text.trim() === '') return {};
    let parsed: unknown;
    try {
      parsed = parseJson(text);
    } catch {
      throw new LocalError(LOCAL.BAD_REQUEST_BODY, 'body: not valid JSON');
    }
    return asObject(parsed, 'body');
  }
  const { userInfo: _identity, ...input } = asObject(event, 'event');
  return input;
}
