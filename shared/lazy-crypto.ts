import type * as Crypto from 'node:crypto';

let loaded: typeof Crypto | undefined;

/**
 * node:crypto, loaded on first use. Loading it costs about 1.5 ms of a cold start (it brings the
 * stream classes and the key machinery with it), and a call made directly or from a Mini Program for
 * the own account needs none of it; the HTTP key check and the shared token store's lease owner do.
 * Code whose every call needs crypto (decryption, push signatures, uploads) imports it as usual.
 */
export function lazyCrypto(): typeof Crypto {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('node:crypto') as typeof Crypto;
  return loaded;
}
