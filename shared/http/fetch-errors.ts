/**
 * What a failed request says about itself: a time limit ran out (fetch's AbortSignal.timeout, or
 * http-exchange.ts's TimeoutError). Not `instanceof Error`: fetch's DOMException may come from
 * another realm (test sandboxes), so only the name is read.
 */
export function isTimeout(error: unknown): boolean {
  const name = typeof error === 'object' && error !== null ? String((error as { name?: unknown }).name) : '';
  return name === 'TimeoutError' || name === 'AbortError';
}
