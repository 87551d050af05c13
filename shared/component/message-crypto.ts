import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * WeChat's message encryption (WXBizMsgCrypt), as the open platform uses it for pushes:
 * - msg_signature = hex(sha1(sorted [token, timestamp, nonce, Encrypt] joined with nothing));
 * - key = base64(EncodingAESKey + "="), 32 bytes; AES-256-CBC with IV = key[0..16);
 * - PKCS#7 padding to 32-byte blocks (1..32 bytes), not AES's 16;
 * - plaintext = 16 random bytes ‖ message length (uint32 big-endian) ‖ message (UTF-8) ‖ appid.
 * Verified against the official third-party vector and WxJava's (test/unit/message-crypto.test.ts).
 */

const BLOCK = 32;

export class MessageCryptoError extends Error {
  constructor(readonly reason: 'key' | 'ciphertext' | 'padding' | 'layout' | 'appid', message: string) {
    super(message);
    this.name = 'MessageCryptoError';
  }
}

export function isEncodingAesKey(value: string): boolean {
  return /^[A-Za-z0-9]{43}$/.test(value);
}

export function aesKeyOf(encodingAesKey: string): Buffer {
  if (!isEncodingAesKey(encodingAesKey)) throw new MessageCryptoError('key', 'the EncodingAESKey must be 43 letters or digits');
  return Buffer.from(`${encodingAesKey}=`, 'base64');
}

/** msg_signature of an encrypted push (or `signature` when `encrypt` is left out). */
export function messageSignature(token: string, timestamp: string, nonce: string, encrypt?: string): string {
  const parts = encrypt === undefined ? [token, timestamp, nonce] : [token, timestamp, nonce, encrypt];
  return createHash('sha1').update(parts.sort().join('')).digest('hex');
}

/** Compares a given signature with the expected one in constant time. */
export function signatureMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given.toLowerCase(), 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Decrypts an `Encrypt` value; throws MessageCryptoError unless it is well formed and for `appId`. */
export function decryptMessage(encodingAesKey: string, encrypted: string, appId: string): string {
  const key = aesKeyOf(encodingAesKey);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted)) throw new MessageCryptoError('ciphertext', 'Encrypt is not base64');
  const data = Buffer.from(encrypted, 'base64');
  if (data.length === 0 || data.length % 16 !== 0) throw new MessageCryptoError('ciphertext', 'Encrypt is not a whole number of AES blocks');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(data), decipher.final()]);
  const pad = plain[plain.length - 1] ?? 0;
  if (pad < 1 || pad > BLOCK || pad > plain.length) throw new MessageCryptoError('padding', 'bad padding: wrong EncodingAESKey or damaged message');
  for (let i = plain.length - pad; i < plain.length; i++) {
    if (plain[i] !== pad) throw new MessageCryptoError('padding', 'bad padding: wrong EncodingAESKey or damaged message');
  }
  const content = plain.subarray(0, plain.length - pad);
  if (content.length < 20) throw new MessageCryptoError('layout', 'decrypted message is too short');
  const length = content.readUInt32BE(16);
  if (20 + length > content.length) throw new MessageCryptoError('layout', 'decrypted message length is out of range');
  const message = content.subarray(20, 20 + length).toString('utf8');
  const trailingAppId = content.subarray(20 + length).toString('utf8');
  if (trailingAppId !== appId) throw new MessageCryptoError('appid', 'the message is for another appid');
  return message;
}

/** Encrypts a message for `appId` (the emulator's pushes; replies). `random` is for tests only. */
export function encryptMessage(encodingAesKey: string, message: string, appId: string, random: Buffer = randomBytes(16)): string {
  const key = aesKeyOf(encodingAesKey);
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length, 0);
  const content = Buffer.concat([random, length, body, Buffer.from(appId, 'utf8')]);
  const pad = BLOCK - (content.length % BLOCK);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([content, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}
