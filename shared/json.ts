import type * as LosslessJson from 'lossless-json';

let losslessJson: typeof LosslessJson | undefined;

/**
 * lossless-json, loaded when a text or a value first needs it (rarely: see below). In the built
 * functions it is a file of its own beside the bundle (scripts/build.ts, SIDE_FILES), so that a cold
 * start does not parse it.
 */
function lossless(): typeof LosslessJson {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (losslessJson ??= require('lossless-json') as typeof LosslessJson);
}

/**
 * JSON that keeps 64-bit ids whole. WeChat documents ids such as application_id as Uint64: a plain
 * JSON.parse would round anything past 2^53. Here a number that fits a double exactly stays a
 * number; an integer that does not becomes its decimal string, which survives every later
 * JSON.stringify (the TCB runtime stringifies answers itself).
 */
export function parseJson(text: string): unknown {
  // The lossless parser is a JavaScript parser: on a 2.8 MB answer (a market-code package) it takes
  // ~250 ms and ~100 MB of transient memory, against ~5 ms and ~5 MB for JSON.parse. It is only
  // needed when some number could lose digits, which one scan outside strings tells.
  if (!hasLongInteger(text)) return JSON.parse(text);
  const { parse, isSafeNumber } = lossless();
  return parse(text, null, (digits: string) => {
    if (isSafeNumber(digits)) return Number(digits);
    return /^-?\d+$/.test(digits) ? digits : Number(digits);
  });
}

/** Longest run of integer digits a double always holds exactly (2^53 has 16 digits). */
const SAFE_DIGITS = 15;
const LONG_RUN = new RegExp(`\\d{${SAFE_DIGITS + 1}}`, 'g');
const QUOTE = '"';
const BACKSLASH = 0x5c;

/**
 * True when the JSON text has a number token, outside strings, with more than 15 integer digits (the
 * only kind that can exceed 2^53). Digits inside strings (base64, ids as strings) do not count.
 * Native scans only: a regular expression finds runs of 16 digits (almost never any), and only
 * for those are the quotes before them walked with indexOf to tell whether the run is in a string.
 * (A JavaScript loop over every character of a 2.8 MB package answer gets compiled by the
 * optimizing compiler mid-loop, which alone added 4 MB to a cold start's peak memory.)
 */
export function hasLongInteger(text: string): boolean {
  // One shared global regex: nothing else runs between setting lastIndex and the last exec.
  const runs = LONG_RUN;
  runs.lastIndex = 0;
  let walked = 0;
  let inString = false;
  for (let run = runs.exec(text); run !== null; run = runs.exec(text)) {
    // Every quote between the last run and this one opens or closes a string (an escaped one inside a string does neither).
    for (let quote = text.indexOf(QUOTE, walked); quote !== -1 && quote < run.index; quote = text.indexOf(QUOTE, quote + 1)) {
      if (!inString || !isEscaped(text, quote)) inString = !inString;
    }
    if (!inString) return true;
    walked = run.index;
  }
  return false;
}

/** An odd number of backslashes before `index`. */
function isEscaped(text: string, index: number): boolean {
  let backslashes = 0;
  for (let at = index - 1; at >= 0 && text.charCodeAt(at) === BACKSLASH; at -= 1) backslashes += 1;
  return backslashes % 2 === 1;
}

/**
 * Serialises a request body; a bigint is written as bare digits (a JSON number), never rounded.
 * JSON.stringify writes everything else the same way natively, and refuses a bigint with a
 * TypeError: only then does the (JavaScript) lossless writer run.
 */
export function stringifyJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    text = lossless().stringify(value as Parameters<typeof LosslessJson.stringify>[0]);
  }
  if (text === undefined) throw new TypeError('value cannot be serialised to JSON');
  return text;
}
