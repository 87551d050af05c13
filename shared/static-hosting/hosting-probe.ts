/**
 * One look at what a hosting URL serves, the way WeChat's verification-file check fetches it
 * (qrcodejumpadd fetches `<prefix directory>/<file_name>` from the prefix's host).
 *
 * Which URL is fetched:
 * - against WeChat (WXOPEN_API_BASE unset or https://api.weixin.qq.com): the URL itself, over the
 *   public internet (http or https, as the prefix says; other schemes cannot be checked here);
 * - against anything else (the emulator, a test double): the same path on that base's
 *   `/__hosting/<env>/` route, i.e. what the environment's hosting serves there. The emulator's
 *   WeChat reads its hosting the same way (by host), so the prefix's host is taken to resolve to
 *   that hosting; a host that does not is caught by the emulator's own check on add (85069).
 * Redirects are followed only within the same origin (at most 3: e.g. a CDN adding a slash),
 * never off it; a redirect elsewhere is reported, not followed. At most 64 KiB of the body is read.
 * Over node:http (http-exchange.ts), not fetch: the chains' cold start would pay for loading undici.
 */
import { DEFAULT_API_BASE } from '../config';
import { isTimeout } from '../http/fetch-errors';
import { exchange } from '../http/http-exchange';
import { redact } from '../redact';

/** The emulator's hosting route (scripts/emulator/modules/static-hosting-serve.ts, HOSTING_ROUTE). */
export const EMULATED_HOSTING_ROUTE = '/__hosting/';
const MAX_BODY_BYTES = 64 * 1024;
const MAX_SAME_ORIGIN_REDIRECTS = 3;

export type ProbeTarget = { fetchUrl: string; via: 'public' | 'emulator' } | { unsupported: string };

/** What one fetch saw. */
export type Observation =
  | { kind: 'served' }
  | { kind: 'nothing'; reason: string }
  | { kind: 'status'; status: number }
  | { kind: 'other'; size: number; preview: string }
  | { kind: 'redirect'; status: number; location: string };

/** Where to fetch `url` (the URL WeChat will fetch) from here. */
export function probeTargetFor(url: string, env: string, apiBase: string): ProbeTarget {
  const parsed = new URL(url);
  if (apiBase !== DEFAULT_API_BASE) {
    return { fetchUrl: `${new URL(apiBase).origin}${EMULATED_HOSTING_ROUTE}${env}${parsed.pathname}`, via: 'emulator' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return { unsupported: `WeChat fetches it over ${parsed.protocol.replace(':', '')}, which this chain cannot fetch (only http and https)` };
  }
  return { fetchUrl: `${parsed.origin}${parsed.pathname}`, via: 'public' };
}

/** The observation in words, for step details and errors: "a 404", "other content (…)". */
export function describeObservation(seen: Observation): string {
  switch (seen.kind) {
    case 'served':
      return 'the exact content';
    case 'nothing':
      return `nothing (${seen.reason})`;
    case 'status':
      return `HTTP ${seen.status}${seen.status === 404 ? ' (not found)' : ''}`;
    case 'other':
      return `other content (${seen.size} bytes: ${seen.preview})`;
    case 'redirect':
      return `a redirect (HTTP ${seen.status} to ${seen.location}), not followed: it leaves the hosting's origin`;
  }
}

/** Where a Location header points, without query or fragment (never quoted whole: it may carry a token). */
function locationOf(header: string | string[] | undefined, base: string): URL | undefined {
  if (typeof header !== 'string' || header === '') return undefined;
  try {
    return new URL(header, base);
  } catch {
    return undefined;
  }
}

function preview(text: string): string {
  const head = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return redact(JSON.stringify(head));
}

/** Fetches `fetchUrl` once (within `timeoutMs`, redirects included) and says whether it serves exactly `expected` (surrounding white space aside). */
export async function probeOnce(fetchUrl: string, expected: string, timeoutMs: number): Promise<Observation> {
  const origin = new URL(fetchUrl).origin;
  const until = Date.now() + Math.max(1, timeoutMs);
  let current = fetchUrl;
  try {
    for (let hop = 0; ; hop++) {
      // No cache-busting header: the point is to see what WeChat's plain GET will get from the CDN.
      const reply = await exchange({ url: current, method: 'GET', timeoutMs: Math.max(1, until - Date.now()), maxBodyBytes: MAX_BODY_BYTES });
      if (reply.status >= 300 && reply.status < 400) {
        const next = locationOf(reply.headers.location, current);
        if (next === undefined) return { kind: 'status', status: reply.status };
        if (next.origin !== origin || hop >= MAX_SAME_ORIGIN_REDIRECTS) return { kind: 'redirect', status: reply.status, location: `${next.origin}${next.pathname}` };
        current = next.href;
        continue;
      }
      if (reply.status !== 200) return { kind: 'status', status: reply.status };
      const text = reply.body.toString('utf8');
      return text.trim() === expected.trim() ? { kind: 'served' } : { kind: 'other', size: reply.body.length, preview: preview(text) };
    }
  } catch (error) {
    return { kind: 'nothing', reason: isTimeout(error) ? `no answer within ${timeoutMs} ms` : 'the connection failed' };
  }
}
