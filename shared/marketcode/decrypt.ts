/**
 * Market-code (一物一码) package decryption. intp/marketcode/applycodedownload answers with
 * `buffer`: base64 of AES-128-CBC ciphertext with PKCS#7 padding; the key is the 16-character key
 * WeChat issues with the capability (its UTF-8 bytes), and the IV is the same 16 bytes
 * (notes/wechat-api.md 2.3). What the plaintext is taken to be, and when a random 16-byte prefix is
 * dropped, is in parse-package.ts.
 *
 * Memory: a 50 000-code segment is about 2 MB of plaintext (2.7 MB of base64). The base64 string is
 * decoded slice by slice into one Buffer, which is then deciphered in place 256 KiB at a time with
 * padding handled here (so the plaintext is a subarray, not a copy): no Buffer.concat and no second
 * full-size buffer. The full-size objects are the caller's string, that Buffer and the returned text
 * (plus the short-lived 256 KiB outputs of decipher.update, which Node cannot write in place).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import { readPlaintext, splitCodeLines } from './parse-package';

export { RANDOM_PREFIX_BYTES } from './parse-package';

/** The environment variable holding the key; named in key errors. */
export const MARKETCODE_KEY_ENV = 'WXOPEN_MARKETCODE_KEY';

export interface DecryptedCodePackage {
  /** The whole plaintext (random prefix, if detected, removed). */
  text: string;
  /** Non-blank lines of `text`, trimmed; includes the header line if there is one. */
  lines: string[];
  /** The first line when it is an obvious header (see parse-package.ts), else null. */
  header: string | null;
  /** Number of codes: `lines.length`, minus one when there is a header. */
  codeCount: number;
  /** True when a random 16-byte prefix was detected and removed. */
  prefixStripped: boolean;
  /** UTF-8 length of `text`. */
  bytes: number;
}

const ALGORITHM = 'aes-128-cbc';
const BLOCK_BYTES = 16;
const KEY_BYTES = 16;
/** Small enough that the per-update output buffers stay negligible next to the package, large enough that the calls are few. */
const CHUNK_BYTES = 256 * 1024;

/** Validates the configured key and returns its bytes. Messages never contain the key. */
export function parseMarketCodeKey(key: string | undefined): Buffer {
  if (key === undefined || key === '') {
    throw keyError(`${MARKETCODE_KEY_ENV} is not set: set it to the 16-character key WeChat issued with the market-code capability`);
  }
  if (key.trim() !== key) {
    throw keyError(`${MARKETCODE_KEY_ENV} has leading or trailing whitespace: remove it (the key is exactly 16 characters)`);
  }
  const bytes = Buffer.from(key, 'utf8');
  if (bytes.length !== KEY_BYTES) {
    throw keyError(`${MARKETCODE_KEY_ENV} must be exactly 16 bytes (the 16-character key WeChat issued); it is ${bytes.length} bytes`);
  }
  return bytes;
}

/** Decrypts the `buffer` field of an applycodedownload answer. */
export function decryptCodePackage(buffer: string, key: Buffer): DecryptedCodePackage {
  checkKeyBytes(key);
  const data = decodeBase64(buffer);
  if (data.length % BLOCK_BYTES !== 0) {
    throw bufferError(`buffer decodes to ${data.length} bytes, not a whole number of 16-byte AES blocks: it is truncated or damaged`);
  }
  const decipher = createDecipheriv(ALGORITHM, key, key);
  decipher.setAutoPadding(false);
  transformInPlace(decipher, data);
  const plainLength = unpaddedLength(data);
  if (plainLength < 0) {
    throw new LocalError(
      LOCAL.DECRYPT_FAILED,
      `padding check failed after decryption: wrong key (${MARKETCODE_KEY_ENV} is not this account's key) or damaged buffer`,
    );
  }
  const reading = readPlaintext(data.subarray(0, plainLength));
  const { text, bytes, prefixStripped } = reading;
  const { lines, header } = splitCodeLines(text, reading);
  return { text, lines, header, codeCount: lines.length - (header === null ? 0 : 1), prefixStripped, bytes };
}

/** The inverse of decryptCodePackage (without any prefix): builds packages for the local emulator. */
export function encryptCodePackage(plaintext: string | Buffer, key: Buffer): string {
  checkKeyBytes(key);
  const length = typeof plaintext === 'string' ? Buffer.byteLength(plaintext, 'utf8') : plaintext.length;
  const padding = BLOCK_BYTES - (length % BLOCK_BYTES);
  // One buffer holds the padded plaintext and, after in-place encryption, the ciphertext.
  const data = Buffer.alloc(length + padding, padding);
  if (typeof plaintext === 'string') data.write(plaintext, 0, 'utf8');
  else plaintext.copy(data);
  const cipher = createCipheriv(ALGORITHM, key, key);
  cipher.setAutoPadding(false);
  transformInPlace(cipher, data);
  return data.toString('base64');
}

interface BlockTransform {
  update(data: Buffer): Buffer;
  final(): Buffer;
}

/**
 * Runs a padding-free CBC transform over `data`, writing each chunk's output back over the input it
 * came from. Safe because output never runs ahead of consumed input and the cipher keeps the chaining
 * block itself.
 */
function transformInPlace(transform: BlockTransform, data: Buffer): void {
  let written = 0;
  for (let offset = 0; offset < data.length; offset += CHUNK_BYTES) {
    written += transform.update(data.subarray(offset, offset + CHUNK_BYTES)).copy(data, written);
  }
  written += transform.final().copy(data, written);
  if (written !== data.length) {
    throw new LocalError(LOCAL.INTERNAL, `AES transform produced ${written} of ${data.length} bytes`);
  }
}

/** PKCS#7: the last byte n (1-16) says how many trailing bytes, all equal to n, are padding. -1 if invalid. */
function unpaddedLength(data: Buffer): number {
  const padding = data[data.length - 1];
  if (padding === undefined || padding < 1 || padding > BLOCK_BYTES) return -1;
  for (let index = data.length - padding; index < data.length - 1; index += 1) {
    if (data[index] !== padding) return -1;
  }
  return data.length - padding;
}

/**
 * Checks the alphabet before decoding: Buffer.from(..., 'base64') silently skips anything it does not
 * know, which would turn a wrong value into garbage instead of an error. Whitespace (line wrapping)
 * is allowed; `=` only as up to two trailing padding characters.
 */
function decodeBase64(value: string): Buffer {
  if (typeof value !== 'string') throw bufferError(`buffer must be a base64 string, got ${value === null ? 'null' : typeof value}`);
  return decodeCanonical(value) ?? decodeChecked(value);
}

/**
 * The fast path for what WeChat sends (unwrapped, padded base64): decode slice by slice into one
 * Buffer (native speed, no full-size temporary), and take the result only when it is exactly as
 * long as the value's length says. Node's decoder skips what is not in the alphabet (and stops or
 * skips at a misplaced '='), and every character skipped makes the result at least one byte short,
 * so a short result means "not plain base64". The base64url alphabet ('-' and '_') it decodes as
 * '+' and '/': a buffer someone re-encoded that way gives the same bytes, so it is taken as it is.
 * Undefined when the value is anything else; decodeChecked then finds the problem (with its offset)
 * or the variant (wrapped, unpadded).
 */
function decodeCanonical(value: string): Buffer | undefined {
  if (value.length === 0 || value.length % 4 !== 0) return undefined;
  const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
  // Not zero-filled: it is used only when every byte was written (otherwise dropped unread).
  const decoded = Buffer.allocUnsafe((value.length / 4) * 3 - padding);
  let written = 0;
  for (let offset = 0; offset < value.length; offset += BASE64_SLICE_CHARS) {
    written += decoded.write(value.slice(offset, offset + BASE64_SLICE_CHARS), written, 'base64');
  }
  // A slice cannot give more than its own characters hold: one short slice leaves the total short.
  return written === decoded.length ? decoded : undefined;
}

/** Character-by-character check with a precise error, for anything that is not canonical base64. */
function decodeChecked(value: string): Buffer {
  let dataChars = 0;
  let paddingChars = 0;
  let whitespaceChars = 0;
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (isBase64Whitespace(code)) {
      whitespaceChars += 1;
    } else if (code === EQUALS) {
      paddingChars += 1;
    } else if (!isBase64Digit(code)) {
      throw notBase64Error(value.charAt(index), index);
    } else if (paddingChars > 0) {
      throw bufferError(`buffer is not base64: '=' padding before the end (offset ${index})`);
    } else {
      dataChars += 1;
    }
  }
  if (dataChars === 0 && paddingChars === 0) {
    throw bufferError('buffer is empty: nothing to decrypt (was the applycodedownload answer an error, or the segment range wrong?)');
  }
  if (paddingChars > 2 || (paddingChars > 0 && (dataChars + paddingChars) % 4 !== 0) || dataChars % 4 === 1) {
    throw bufferError(`buffer is not valid base64: ${dataChars} characters with ${paddingChars} '=' do not form whole base64 groups; it is truncated or damaged`);
  }
  // Wrapped base64 cannot be cut at fixed offsets; WeChat sends it unwrapped, so the rare case may copy.
  if (whitespaceChars > 0) return Buffer.from(value, 'base64');
  return decodeInSlices(value, Math.floor((dataChars * 3) / 4));
}

/**
 * Buffer.from(string, 'base64') first copies the whole string into a temporary buffer (a hidden full
 * copy, 2.7 MB for a 50 000-code segment); decoding slices of whole 4-character groups straight into
 * the result keeps that temporary at one slice.
 */
function decodeInSlices(value: string, decodedBytes: number): Buffer {
  // Not zero-filled: every byte is written, or the function throws.
  const decoded = Buffer.allocUnsafe(decodedBytes);
  let written = 0;
  for (let offset = 0; offset < value.length; offset += BASE64_SLICE_CHARS) {
    written += decoded.write(value.slice(offset, offset + BASE64_SLICE_CHARS), written, 'base64');
  }
  if (written !== decodedBytes) {
    throw new LocalError(LOCAL.INTERNAL, `base64 decoding produced ${written} of ${decodedBytes} bytes`);
  }
  return decoded;
}

/** A multiple of 4, so every slice holds whole base64 groups. */
const BASE64_SLICE_CHARS = 256 * 1024;
const EQUALS = 0x3d;

/** A-Z a-z 0-9 + / and the base64url - _ that Node decodes the same way (char codes compared directly: this runs over megabytes). */
function isBase64Digit(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2b ||
    code === 0x2f ||
    code === 0x2d ||
    code === 0x5f
  );
}

function isBase64Whitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function notBase64Error(char: string, offset: number): LocalError {
  let cause = '';
  if (char === '{' && offset === 0) cause = ' — it looks like JSON: pass the `buffer` field of the applycodedownload answer, not the whole answer';
  else if (char === '%') cause = ' — it looks URL-encoded: decode it first';
  return bufferError(`buffer is not base64: unexpected character ${JSON.stringify(char)} at offset ${offset}${cause}`);
}

function checkKeyBytes(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
    const size = Buffer.isBuffer(key) ? `${key.length} bytes` : typeof key;
    throw keyError(`market-code key must be 16 bytes, got ${size}: read it with parseMarketCodeKey(process.env.${MARKETCODE_KEY_ENV})`);
  }
}

function keyError(message: string): LocalError {
  return new LocalError(LOCAL.DECRYPT_KEY_INVALID, message);
}

function bufferError(message: string): LocalError {
  return new LocalError(LOCAL.DECRYPT_BUFFER_INVALID, message);
}
