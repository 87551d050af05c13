/**
 * One decryption in a fresh process (so that peak memory is this work's alone):
 * node --expose-gc --import tsx scripts/bench/decrypt-worker.ts <ours|bare|usual> <file holding the base64 buffer>
 * - ours:  shared/marketcode/decrypt.ts (every check, the prefix rule, trimmed non-blank lines);
 * - bare:  Buffer.from(base64) + one createDecipheriv update/final + toString + split('\n'): no
 *          checks at all, the least work that gets the lines (the physical limit);
 * - checked: bare plus the checks every byte needs before it is trusted (the alphabet is base64:
 *          nothing skipped by the decoder; the result is UTF-8 text without control characters),
 *          each the fastest native way (the decoded length, isUtf8, the windowed indexOf scan):
 *          the floor of any decryption that refuses a wrong key or a damaged buffer instead of
 *          answering garbage;
 * - usual: what most code does: decode, update + final, Buffer.concat, split(/\r?\n/), trim, filter.
 * Prints JSON: { ms, peakExtraMiB, codeCount }.
 */
import { isUtf8 } from 'node:buffer';
import { createDecipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hasControlByte } from '../../shared/marketcode/clean-text';
import { decryptCodePackage } from '../../shared/marketcode/decrypt';

const [mode = 'ours', file = ''] = process.argv.slice(2);
const key = Buffer.from('benchMarketKey16', 'utf8');
let buffer: string | undefined = readFileSync(file, 'latin1');
(globalThis as { gc?: () => void }).gc?.();

function bare(base64: string): number {
  const decipher = createDecipheriv('aes-128-cbc', key, key);
  const plain = decipher.update(Buffer.from(base64, 'base64'));
  const last = decipher.final();
  return Buffer.concat([plain, last]).toString('utf8').split('\n').length;
}

function checked(base64: string): number {
  const data = Buffer.from(base64, 'base64');
  if (data.length !== (base64.length / 4) * 3 - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0)) throw new Error('not base64');
  const decipher = createDecipheriv('aes-128-cbc', key, key);
  const plain = Buffer.concat([decipher.update(data), decipher.final()]);
  if (!isUtf8(plain) || hasControlByte(plain)) throw new Error('not text');
  return plain.toString('utf8').split('\n').length;
}

function usual(base64: string): number {
  const decipher = createDecipheriv('aes-128-cbc', key, key);
  const plain = Buffer.concat([decipher.update(Buffer.from(base64, 'base64')), decipher.final()]);
  return plain.toString('utf8').split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '').length;
}

const MODES: Record<string, (value: string) => number> = { bare, checked, usual, ours: (value) => decryptCodePackage(value, key).codeCount };
const run = MODES[mode] ?? MODES['ours']!;
const before = process.resourceUsage().maxRSS;
const started = process.hrtime.bigint();
const codeCount = run(buffer);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
buffer = undefined;
const peakExtraMiB = (process.resourceUsage().maxRSS - before) / 1024;
console.log(JSON.stringify({ ms, peakExtraMiB, codeCount }));
