/**
 * The emulator's market codes and the plaintext of its code packages.
 *
 * Every code is derived from (application serial, code_index) and can be read back, so lookups by
 * code or code_url need no table of millions of codes:
 *  - `code`: 9 characters of [0-9A-Z], a bijective scramble of serial * 2^25 + code_index modulo 36^9;
 *  - `code_url`: `P.URL.CN/0U.` + 16 characters of [0-9A-Z] (28 characters, the shape WeChat's
 *    examples show), a second scramble of the same number modulo 36^16.
 *
 * Package plaintext (WeChat does not document it; this layout is the emulator's invention, built
 * from the fields WeChat names elsewhere): UTF-8, one code per line, LF line ends, no header,
 *     <code_index>,<code>,<code_url>\n
 * e.g. `50000,7K2QXM0AB,P.URL.CN/0U.JYJXP3HJI2C98A9O`, with code_index counted from the start of
 * the application (the second segment starts at 50000).
 */
const RADIX = 36n;
const CODE_CHARS = 9;
const URL_CHARS = 16;
const CODE_MODULUS = RADIX ** BigInt(CODE_CHARS);
const URL_MODULUS = RADIX ** BigInt(URL_CHARS);
/** code_index < 2^25 (applications hold at most 20 000 000 codes); serials fill the bits above. */
const INDEX_BITS = 25n;
const VALUE_LIMIT = 2n ** 46n; // < 36^9, so every value has a 9-character code
export const MAX_SERIAL = Number(VALUE_LIMIT >> INDEX_BITS) - 1;
export const CODE_URL_PREFIX = 'P.URL.CN/0U.';

// Multipliers coprime to 36 (odd, not multiples of 3) make the scramble a bijection; masks hide the order.
const CODE_MULTIPLIER = 48_271_004_287_519n;
const CODE_MASK = 0x2a5b_3c4d_5e6fn;
const URL_MULTIPLIER = 6_364_136_223_846_793_007n;
const URL_MASK = 0x1d2c_3b4a_5968n;

export interface CodeRef {
  serial: number;
  codeIndex: number;
}

function modInverse(value: bigint, modulus: bigint): bigint {
  let [a, b, x, y] = [value % modulus, modulus, 1n, 0n];
  while (b !== 0n) {
    const q = a / b;
    [a, b, x, y] = [b, a - q * b, y, x - q * y];
  }
  return ((x % modulus) + modulus) % modulus;
}

const CODE_INVERSE = modInverse(CODE_MULTIPLIER, CODE_MODULUS);
const URL_INVERSE = modInverse(URL_MULTIPLIER, URL_MODULUS);

function valueOf(ref: CodeRef): bigint {
  return (BigInt(ref.serial) << INDEX_BITS) | BigInt(ref.codeIndex);
}

function refOf(value: bigint): CodeRef | undefined {
  if (value < 0n || value >= VALUE_LIMIT) return undefined;
  return { serial: Number(value >> INDEX_BITS), codeIndex: Number(value & ((1n << INDEX_BITS) - 1n)) };
}

function toBase36(value: bigint, width: number): string {
  return value.toString(36).toUpperCase().padStart(width, '0');
}

export function codeOf(ref: CodeRef): string {
  return toBase36(((valueOf(ref) ^ CODE_MASK) * CODE_MULTIPLIER) % CODE_MODULUS, CODE_CHARS);
}

export function codeUrlOf(ref: CodeRef): string {
  return CODE_URL_PREFIX + toBase36(((valueOf(ref) ^ URL_MASK) * URL_MULTIPLIER) % URL_MODULUS, URL_CHARS);
}

export function refOfCode(code: string): CodeRef | undefined {
  if (!/^[0-9A-Z]{9}$/.test(code)) return undefined;
  return refOf(((parseBase36(code) * CODE_INVERSE) % CODE_MODULUS) ^ CODE_MASK);
}

export function refOfCodeUrl(codeUrl: string): CodeRef | undefined {
  if (!codeUrl.startsWith(CODE_URL_PREFIX)) return undefined;
  const tail = codeUrl.slice(CODE_URL_PREFIX.length);
  if (!/^[0-9A-Z]{16}$/.test(tail)) return undefined;
  return refOf(((parseBase36(tail) * URL_INVERSE) % URL_MODULUS) ^ URL_MASK);
}

function parseBase36(text: string): bigint {
  let value = 0n;
  for (const char of text.toLowerCase()) value = value * RADIX + BigInt(parseInt(char, 36));
  return value;
}

/** One line of a package: `<code_index>,<code>,<code_url>`. */
export function packageLine(serial: number, codeIndex: number): string {
  const ref = { serial, codeIndex };
  return `${codeIndex},${codeOf(ref)},${codeUrlOf(ref)}`;
}

/** The plaintext of codes code_start..code_end (inclusive) of the application with this serial. */
export function packagePlaintext(serial: number, codeStart: number, codeEnd: number): string {
  const lines: string[] = [];
  for (let index = codeStart; index <= codeEnd; index += 1) lines.push(packageLine(serial, index));
  return `${lines.join('\n')}\n`;
}
