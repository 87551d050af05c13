/**
 * JSON Schema patterns have no flags: a valibot `v.regex(/.../i)` is rewritten into a pattern that
 * matches the same strings without the `i` flag, by giving every ASCII letter its other case
 * (`wx` → `[wW][xX]`, `[0-9a-f]` → `[A-F0-9a-f]`). Escapes (`\s`, `\u0000`, `\p{L}`), group syntax
 * (`(?:`, `(?<name>`) and quantifiers are copied as they are. Only ASCII letters are folded: a
 * pattern whose case-insensitive meaning depends on other letters is refused.
 */

const LETTER = /^[A-Za-z]$/;

function other(letter: string): string {
  return letter === letter.toLowerCase() ? letter.toUpperCase() : letter.toLowerCase();
}

/** The length of the escape sequence starting at `source[at]` (a backslash). */
function escapeLength(source: string, at: number): number {
  const next = source[at + 1];
  if (next === 'u' && source[at + 2] === '{') return source.indexOf('}', at) - at + 1;
  if (next === 'u') return 6;
  if (next === 'x') return 4;
  if (next === 'c') return 3;
  if ((next === 'p' || next === 'P') && source[at + 2] === '{') return source.indexOf('}', at) - at + 1;
  if (next === 'k' && source[at + 2] === '<') return source.indexOf('>', at) - at + 1;
  return 2;
}

/** The ASCII letter a `\uXXXX` / `\xXX` escape stands for, if it stands for one. */
function escapedLetter(escape: string): string | undefined {
  const hex = /^\\(?:u([0-9A-Fa-f]{4})|x([0-9A-Fa-f]{2}))$/.exec(escape);
  if (hex === null) return undefined;
  const char = String.fromCharCode(parseInt(hex[1] ?? hex[2] ?? '', 16));
  return LETTER.test(char) ? char : undefined;
}

/** A character class `[...]` starting at `at`: its text with the other case of each letter or letter range added. */
function foldClass(source: string, at: number): { text: string; end: number } {
  let index = at + 1;
  let head = '[';
  if (source[index] === '^') {
    head += '^';
    index++;
  }
  let body = '';
  const extra: string[] = [];
  while (index < source.length && source[index] !== ']') {
    const char = source[index] as string;
    if (char === '\\') {
      const length = escapeLength(source, index);
      const escape = source.slice(index, index + length);
      const letter = escapedLetter(escape);
      if (letter !== undefined && source[index + length] === '-') throw new Error(`pattern /${source}/i: a range from an escaped letter`);
      body += escape;
      if (letter !== undefined) extra.push(other(letter));
      index += length;
      continue;
    }
    const to = source[index + 2];
    if (source[index + 1] === '-' && to === '\\') {
      const length = escapeLength(source, index + 2);
      const end = source.slice(index + 2, index + 2 + length);
      if (LETTER.test(char) || escapedLetter(end) !== undefined) throw new Error(`pattern /${source}/i: a letter range ending in an escape`);
      body += `${char}-${end}`;
      index += 2 + length;
      continue;
    }
    if (source[index + 1] === '-' && to !== undefined && to !== ']') {
      body += `${char}-${to}`;
      if (LETTER.test(char) && LETTER.test(to) && (char === char.toLowerCase()) === (to === to.toLowerCase())) extra.push(`${other(char)}-${other(to)}`);
      else if (LETTER.test(char) || LETTER.test(to)) throw new Error(`pattern /${source}/i: the range ${char}-${to} mixes letters and other characters`);
      index += 3;
      continue;
    }
    body += char;
    if (LETTER.test(char)) extra.push(other(char));
    index++;
  }
  if (source[index] !== ']') throw new Error(`pattern /${source}/i: unterminated character class`);
  // Put first: appended after a trailing "-" (as in `[a-z+-]`), a range would form across it.
  const added = extra.filter((part) => !body.includes(part)).join('');
  return { text: `${head}${added}${body}]`, end: index + 1 };
}

/** The pattern `source` with flag `i`, as a pattern without flags. */
export function caselessPattern(source: string): string {
  let out = '';
  let index = 0;
  while (index < source.length) {
    const char = source[index] as string;
    if (char === '\\') {
      const length = escapeLength(source, index);
      const escape = source.slice(index, index + length);
      const letter = escapedLetter(escape);
      out += letter === undefined ? escape : `[${letter}${other(letter)}]`;
      index += length;
    } else if (char === '[') {
      const folded = foldClass(source, index);
      out += folded.text;
      index = folded.end;
    } else if (char === '(' && source[index + 1] === '?' && source[index + 2] === '<' && source[index + 3] !== '=' && source[index + 3] !== '!') {
      const close = source.indexOf('>', index);
      out += source.slice(index, close + 1);
      index = close + 1;
    } else if (LETTER.test(char)) {
      out += `[${char}${other(char)}]`;
      index++;
    } else {
      out += char;
      index++;
    }
  }
  return out;
}
