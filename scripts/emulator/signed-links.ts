import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * HMAC signatures for the emulator's own URLs (download links, COS upload URLs): the signature
 * covers what the URL grants and its expiry (epoch seconds), with a key that never leaves the process.
 */
export class UrlSigner {
  private readonly key = randomBytes(32);

  sign(...parts: readonly string[]): string {
    return createHmac('sha256', this.key).update(parts.join('\n')).digest('hex');
  }

  /** Constant-time check of a signature presented in a request. */
  verify(signature: string | null, ...parts: readonly string[]): boolean {
    if (signature === null || !/^[0-9a-f]{64}$/.test(signature)) return false;
    return timingSafeEqual(Buffer.from(signature, 'hex'), Buffer.from(this.sign(...parts), 'hex'));
  }
}

/** Encodes a stored path for a URL, one segment at a time ("a b/c.png" → "a%20b/c.png"). */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** The reverse of encodePath; undefined when the encoding is broken. */
export function decodePath(encoded: string): string | undefined {
  try {
    return encoded.split('/').map(decodeURIComponent).join('/');
  } catch {
    return undefined;
  }
}
