/**
 * What a failed fetch() says about itself. Not `instanceof Error`: fetch's DOMException may come
 * from another realm (test sandboxes), so only the name is read.
 */
export function isTimeout(error: unknown): boolean {
  const name = typeof error === 'object' && error !== null ? String((error as { name?: unknown }).name) : '';
  return name === 'TimeoutError' || name === 'AbortError';
}
