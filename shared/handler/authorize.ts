import type { Config } from '../config';
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import { lazyCrypto } from '../lazy-crypto';
import type { Caller, HttpEvent } from './caller';

/**
 * Every value the event holds for a header, whatever the case of its name, from `headers` and
 * `multiValueHeaders` alike. A header sent twice with different values is a different request
 * from one sent once: the caller sees them all, and so must the check.
 */
function headerValues(event: HttpEvent, name: string): string[] {
  const values = new Set<string>();
  const add = (value: unknown): void => {
    if (typeof value === 'string') values.add(value);
    else if (value !== undefined && value !== null) values.add(String(value));
  };
  for (const [key, value] of Object.entries(event.headers)) if (key.toLowerCase() === name) add(value);
  const multi = event.multiValueHeaders;
  if (typeof multi === 'object' && multi !== null) {
    for (const [key, list] of Object.entries(multi)) {
      if (key.toLowerCase() !== name) continue;
      if (Array.isArray(list)) for (const value of list) add(value);
      else add(list);
    }
  }
  return [...values];
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

const sha256 = (text: string): Buffer => lazyCrypto().createHash('sha256').update(text).digest();

/** The configured keys' digests (the current key and the previous one), hashed once per instance. */
const expectedDigests = new Map<string, Buffer>();

function digestOfExpected(expected: string): Buffer {
  let digest = expectedDigests.get(expected);
  if (digest === undefined) {
    if (expectedDigests.size >= 4) expectedDigests.clear();
    digest = sha256(expected);
    expectedDigests.set(expected, digest);
  }
  return digest;
}

/** Compares in constant time (hashing first so that lengths leak nothing either). */
function sameSecret(given: string, expected: string): boolean {
  return lazyCrypto().timingSafeEqual(sha256(given), digestOfExpected(expected));
}

/** Throws unless the caller may use the function. Runs before any input is read or WeChat is called. */
export function authorize(caller: Caller, config: Config): void {
  switch (caller.kind) {
    case 'direct':
      return;
    case 'enduser':
      throw new LocalError(LOCAL.FORBIDDEN, `calls from ${caller.who} are refused`, {
        hint: 'Only Mini Program users listed in WXOPEN_ADMIN_OPENIDS, HTTP callers with the key, and direct invocations (console, CLI, another function) may call.',
      });
    case 'miniprogram':
      if (!config.adminOpenIds.has(caller.openid)) {
        throw new LocalError(LOCAL.FORBIDDEN, `caller ${caller.openid} is not in WXOPEN_ADMIN_OPENIDS`);
      }
      return;
    case 'http': {
      if (config.httpKey === undefined) {
        throw new LocalError(LOCAL.HTTP_DISABLED, 'HTTP calls are disabled: WXOPEN_HTTP_KEY is not set');
      }
      const given = headerValues(caller.event, 'authorization');
      if (given.length > 1) {
        throw new LocalError(LOCAL.UNAUTHENTICATED, 'the Authorization header came more than once with different values: send it once');
      }
      // RFC 6750: "Bearer" (any case) 1*SP b64token, and nothing else: no tab, no leading or
      // trailing blank, no second value.
      const match = BEARER.exec(given[0] ?? '');
      // Both keys are compared whatever the first gives, so the time says nothing about which matched.
      const current = match?.[1] !== undefined && sameSecret(match[1], config.httpKey);
      const previous = match?.[1] !== undefined && config.previousHttpKey !== undefined && sameSecret(match[1], config.previousHttpKey);
      if (!current && !previous) {
        throw new LocalError(LOCAL.UNAUTHENTICATED, 'missing or wrong bearer key in the Authorization header');
      }
      return;
    }
  }
}
