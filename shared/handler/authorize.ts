import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config';
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import type { Caller } from './caller';

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** Compares in constant time (hashing first so that lengths leak nothing either). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
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
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header(caller.event.headers, 'authorization') ?? '');
      if (match?.[1] === undefined || !sameSecret(match[1], config.httpKey)) {
        throw new LocalError(LOCAL.UNAUTHENTICATED, 'missing or wrong bearer key in the Authorization header');
      }
      return;
    }
  }
}
