/**
 * Paths inside a static website (the COS key of a hosting file). A filename is normalised —
 * Unicode NFC, "./" segments and doubled slashes removed — and refused when it could escape the
 * site or confuse a server: "..", an absolute or drive path, a backslash, a control character,
 * a folder (trailing "/"), more than MAX_FILENAME_BYTES bytes of UTF-8.
 * Shared by the input schemas and the emulator so both apply the same rule.
 */

/** COS keys are at most 850 bytes; a site path this long is already unusual. */
export const MAX_FILENAME_BYTES = 512;

export type FilenameCheck = { ok: true; filename: string } | { ok: false; problem: string };

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const FORMAT_CHARACTER = /\p{Cf}/u;
const PERCENT_ENCODED = /%[0-9a-f]{2}/i;

/** Segments of a relative path with "." and empty ones dropped; a problem when it is not one. */
function relativeSegments(raw: string): string[] | string {
  if (CONTROL.test(raw)) return 'must not contain control characters';
  // Invisible characters (bidi controls, zero-width, BOM) make a name look like another one.
  if (FORMAT_CHARACTER.test(raw)) return 'must not contain invisible formatting characters (bidi controls, zero-width characters, BOM)';
  // The name is stored as written and served URL-decoded once: "%2e%2e" or "%252e" would be read
  // differently by different layers, so no percent-encoded sequence is accepted.
  if (PERCENT_ENCODED.test(raw)) return 'must not contain percent-encoded sequences such as %2e: give the characters themselves';
  if (raw.includes('\\')) return 'must use "/" between folders, not "\\"';
  if (raw.startsWith('/')) return 'must be relative to the site root (no leading "/"), e.g. assets/app.js';
  if (/^[a-z]:/i.test(raw)) return 'must be relative to the site root, not a drive path';
  const segments = raw.split('/');
  if (segments.includes('..')) return 'must not contain ".." segments';
  if (Buffer.byteLength(raw, 'utf8') > MAX_FILENAME_BYTES) return `must be at most ${MAX_FILENAME_BYTES} bytes of UTF-8`;
  return segments.filter((segment) => segment !== '' && segment !== '.');
}

export function checkStaticFilename(raw: string): FilenameCheck {
  const text = raw.normalize('NFC');
  const segments = relativeSegments(text);
  if (typeof segments === 'string') return { ok: false, problem: segments };
  if (segments.length === 0) return { ok: false, problem: 'must name a file, e.g. index.html' };
  if (text.endsWith('/')) return { ok: false, problem: 'names a folder (ends with "/"); name a file, e.g. docs/index.html' };
  return { ok: true, filename: segments.join('/') };
}

/** A listing prefix: "" for all, else a relative path (a trailing "/" kept: it means "inside"). */
export function checkStaticPrefix(raw: string): FilenameCheck {
  const text = raw.normalize('NFC');
  const segments = relativeSegments(text);
  if (typeof segments === 'string') return { ok: false, problem: segments };
  const joined = segments.join('/');
  return { ok: true, filename: joined !== '' && text.endsWith('/') ? `${joined}/` : joined };
}
