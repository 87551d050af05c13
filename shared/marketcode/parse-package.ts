/**
 * What a decrypted market-code package is taken to be. WeChat does not document the plaintext
 * (notes/wechat-api.md 2.3): every known implementation treats it as UTF-8 text, presumably lines of
 * codes — 9-character raw codes, 28-character code URLs such as `P.URL.CN/0U.JYJXP3HJI2C98A9O`,
 * perhaps with a code index, perhaps after a header line. So the text is returned whole, with a
 * best-effort line split, rather than parsed against a guessed schema.
 *
 * "Clean text" below means valid UTF-8 without control characters other than TAB, CR and LF.
 * "Shape" of a line means the line with every ASCII letter and digit replaced by `x`
 * (`P.URL.CN/0U.JYJXP3HJI2C98A9O` → `x.xxx.xx/xx.xxxxxxxxxxxxxxxx`); lines of one package share it.
 *
 * Random-prefix rule. pywe-decrypt drops 16 leading plaintext bytes (a WXBizMsgCrypt-style random
 * string); the Java and PHP implementations drop nothing. Neither is confirmed, so the prefix is
 * detected, never assumed. A plaintext that is clean text as a whole is kept whole unless (b) holds;
 * in both rules the text after the 16 bytes must start with a line that fits the lines after it:
 *   (a) the plaintext is not clean text, everything after its first 16 bytes is, and the first
 *       non-blank line of that rest has the shape of the next two (which share one) or is a header
 *       (rule below) → the 16 bytes are dropped. 16 random bytes are clean text well under once in
 *       a million. The fit check keeps a short header in another encoding (GBK, Latin-1) from being
 *       taken for a prefix and a code cut in half: such a plaintext fails instead. The
 *       rule is also right if WeChat sent a random IV as the first cipher block. (Were the IV some
 *       other value never sent, CBC would garble just the first 16 bytes; that looks identical and
 *       cannot be repaired without the IV.)
 *   (b) the plaintext is clean text, its first 16 characters are printable ASCII without spaces, and
 *       the first line minus those 16 characters has the shape shared by the next two non-blank lines
 *       → a text-style random prefix glued to the first code; the 16 characters are dropped. (No
 *       header allowance here: `code_index,code,code_url` minus 16 characters would pass as one.)
 * Anything else that is not clean text fails with DECRYPT_FAILED.
 *
 * Header rule: the first non-blank line is a header (not a code) when it contains no digit while the
 * next two non-blank lines share a shape that the first line does not have. Codes carry digits or at
 * least share their neighbours' shape, so a code is never taken for a header; a header with digits
 * (e.g. a count) is counted as a code — an over-count of one, never an under-count.
 */
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import { scanText } from './clean-text';

/** Length of the random prefix pywe-decrypt strips. */
export const RANDOM_PREFIX_BYTES = 16;

export interface PlaintextReading {
  text: string;
  /** UTF-8 length of `text`. */
  bytes: number;
  prefixStripped: boolean;
  /** A space, TAB or CR may occur in `text` (false: it has none, found while checking it is text). */
  blanks: boolean;
}

export interface CodeLines {
  /** Non-blank lines, trimmed; the header, if any, is `lines[0]`. */
  lines: string[];
  header: string | null;
}

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const DEL = 0x7f;

/** Reads the decrypted bytes as text, dropping a random prefix when the rule above detects one. */
export function readPlaintext(plain: Buffer): PlaintextReading {
  const scan = scanText(plain);
  if (scan.clean) {
    const text = plain.toString('utf8');
    if (hasTextPrefix(text)) {
      // The prefix is ASCII, so 16 characters are 16 bytes.
      return { text: text.slice(RANDOM_PREFIX_BYTES), bytes: plain.length - RANDOM_PREFIX_BYTES, prefixStripped: true, blanks: scan.blanks };
    }
    return { text, bytes: plain.length, prefixStripped: false, blanks: scan.blanks };
  }
  // Rule (a). If the rest is clean but the whole is not, the first 16 bytes are what is not clean.
  const rest = plain.subarray(RANDOM_PREFIX_BYTES);
  const restScan = plain.length > RANDOM_PREFIX_BYTES ? scanText(rest) : undefined;
  if (restScan?.clean === true) {
    const text = rest.toString('utf8');
    const lines = firstNonBlankLines(text, 3);
    if (startsWithDataLine(lines) || isHeader(lines)) return { text, bytes: rest.length, prefixStripped: true, blanks: restScan.blanks };
    throw unconfirmedPrefixError();
  }
  throw notTextError(plain);
}

/**
 * Splits the text into trimmed non-blank lines (LF, CRLF or CR endings) and spots a header.
 * `reading` is readPlaintext's answer for this text, which spares scans of it: its `bytes` equals
 * the text's length exactly when the text is ASCII, and `blanks` says whether any line could need a
 * trim.
 */
export function splitCodeLines(text: string, reading: Pick<PlaintextReading, 'bytes' | 'blanks'>): CodeLines {
  const lines = allNonBlankLines(text, reading.bytes === text.length && !reading.blanks);
  const [first] = lines;
  return { lines, header: first !== undefined && isHeader(lines) ? first : null };
}

/*
 * The prefix and header rules look at the first three lines with plain character checks and
 * indexOf rather than regular expressions: each regular expression is compiled the first time it
 * runs, which in a cold process costs more than the whole check (about 0.1-0.3 ms each).
 */

/** Rule (b). */
function hasTextPrefix(text: string): boolean {
  for (let index = 0; index < RANDOM_PREFIX_BYTES; index += 1) {
    const code = text.charCodeAt(index);
    // Printable ASCII without space (charCodeAt past the end is NaN: too short).
    if (!(code >= 0x21 && code <= 0x7e)) return false;
  }
  // The text starts with a non-space character, so the first (trimmed) line starts at offset 0.
  const [first, ...next] = firstNonBlankLines(text, 3);
  return first !== undefined && startsWithDataLine([first.slice(RANDOM_PREFIX_BYTES), ...next]);
}

/** The first of three lines has the shape the other two share. */
function startsWithDataLine(lines: readonly string[]): boolean {
  const [first, second, third] = lines;
  if (first === undefined || second === undefined || third === undefined) return false;
  const dataShape = shapeOf(second);
  return shapeOf(third) === dataShape && shapeOf(first) === dataShape;
}

/** The first of three lines has no digit and lacks the shape the other two share. */
function isHeader(lines: readonly string[]): boolean {
  const [first, second, third] = lines;
  if (first === undefined || second === undefined || third === undefined) return false;
  if (hasDigit(first)) return false;
  const dataShape = shapeOf(second);
  return shapeOf(third) === dataShape && shapeOf(first) !== dataShape;
}

const isDigit = (code: number): boolean => code >= 0x30 && code <= 0x39;
const isLetterOrDigit = (code: number): boolean => isDigit(code) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);

function hasDigit(line: string): boolean {
  for (let index = 0; index < line.length; index += 1) if (isDigit(line.charCodeAt(index))) return true;
  return false;
}

/** The line with every ASCII letter and digit replaced by "x". */
function shapeOf(line: string): string {
  let shape = '';
  for (let index = 0; index < line.length; index += 1) shape += isLetterOrDigit(line.charCodeAt(index)) ? 'x' : line.charAt(index);
  return shape;
}

/**
 * Trimmed non-blank lines (LF, CRLF or CR endings), at most `limit`, found one break at a time:
 * the text is read only as far as they go (the prefix and header rules look at three lines of a
 * package that may hold half a million). The same lines a split would give.
 */
export function firstNonBlankLines(text: string, limit: number): string[] {
  const lines: string[] = [];
  let start = 0;
  while (lines.length < limit) {
    const lf = text.indexOf('\n', start);
    let end = lf === -1 ? text.length : lf;
    // A CR before the LF ends the line there (CRLF or a lone CR). Looked for backwards from the LF,
    // so a text without CR is not searched to its end for one.
    if (text.lastIndexOf('\r', end) >= start) end = text.indexOf('\r', start);
    const line = text.slice(start, end).trim();
    if (line !== '') lines.push(line);
    if (end >= text.length) break;
    start = text.charCodeAt(end) === CR && text.charCodeAt(end + 1) === LF ? end + 2 : end + 1;
  }
  return lines;
}

/**
 * Every trimmed non-blank line. The native split does the scanning, and blank lines are then
 * squeezed out in place, so there is one array, not a split copy and a filtered one. When no line
 * can have anything for trim() to remove (`plain`: an ASCII text without space, TAB, VT, FF or CR,
 * what code lists usually are), the trim() per line is spared.
 */
function allNonBlankLines(text: string, plain: boolean): string[] {
  if (plain) {
    const lines = text.split('\n');
    // Every line is its own trimmed self: only empty lines (if any) have to go. Usually only the end
    // is empty (a final LF): it is dropped, and an empty line inside is looked for natively in the
    // array (several times faster than searching the text for "\n\n"). No loop over the lines unless
    // there is one: in a cold process that loop would be the first thing the optimizing compiler
    // compiles (3.4 MB of peak memory).
    if (lines[lines.length - 1] === '') lines.pop();
    if (lines[0] === '') lines.shift();
    if (lines.includes('')) squeeze(lines, (line) => line);
    return lines;
  }
  // A plain string split is the cheapest; CR endings (CRLF, or lone CR) need the regex.
  const lines = text.includes('\r') ? text.split(LINE_BREAK) : text.split('\n');
  squeeze(lines, (line) => line.trim());
  return lines;
}

/** Replaces each line by `tidy(line)` and drops the empty results, in place (no second array). */
function squeeze(lines: string[], tidy: (line: string) => string): void {
  let kept = 0;
  for (let index = 0; index < lines.length; index += 1) {
    const line = tidy(lines[index] as string);
    if (line !== '') lines[kept++] = line;
  }
  lines.length = kept;
}

const LINE_BREAK = /\r\n|\r|\n/;

const UNEXPECTED_FORMAT_HINT = 'The key works, but the package is not in the expected form; keep the buffer and report its format.';

function unconfirmedPrefixError(): LocalError {
  return new LocalError(
    LOCAL.DECRYPT_FAILED,
    'decrypted market-code package: its first 16 bytes are not text but the rest is, and the rest does not start with a line shaped like the lines after it, so a random prefix cannot be confirmed: the key is probably right and the package has an unexpected layout or encoding',
    { hint: UNEXPECTED_FORMAT_HINT },
  );
}

/** Padding passed but the result is not text: tell a wrong key apart from text in another encoding. */
function notTextError(plain: Buffer): LocalError {
  let textLike = 0;
  for (let index = 0; index < plain.length; index += 1) {
    const byte = plain[index]!;
    if ((byte >= SPACE && byte < DEL) || byte === TAB || byte === LF || byte === CR) textLike += 1;
  }
  if (plain.length > 0 && textLike / plain.length >= 0.9) {
    return new LocalError(
      LOCAL.DECRYPT_FAILED,
      'decrypted market-code package is not UTF-8 text, but it is mostly ASCII text: the key is probably right and the package uses another encoding or format',
      { hint: UNEXPECTED_FORMAT_HINT },
    );
  }
  return new LocalError(
    LOCAL.DECRYPT_FAILED,
    'decrypted market-code package is not UTF-8 text: wrong key likely (WXOPEN_MARKETCODE_KEY is not this account\'s key; the padding check passed by chance) or the buffer is damaged',
  );
}
