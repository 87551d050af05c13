import { DEMO_ACCOUNTS } from '../../scripts/emulator/accounts';
import { DEMO_PLATFORM } from '../../scripts/emulator/platforms';
import { HTTP_KEY } from './emulator';

/**
 * Scans what a suite printed and answered for secrets: the planted values (every demo account's
 * secret and market-code key, the platform's secret, message token and AES key, the HTTP key) and
 * the shapes of everything the emulator issues (access / component / cloudbase tokens, tickets and
 * refresh tokens, COS security tokens, URL signatures). Found must be 0.
 */
const PLANTED: readonly string[] = [
  ...DEMO_ACCOUNTS.flatMap((account) => [account.secret, account.marketcodeKey ?? '']),
  DEMO_PLATFORM.secret,
  DEMO_PLATFORM.aesKey,
  DEMO_PLATFORM.token,
  HTTP_KEY,
].filter((value) => value.length >= 6);

const SHAPES: ReadonlyArray<[string, RegExp]> = [
  ['access/component/cloudbase token', /\b(?:AT|CT|CB)_[A-Za-z0-9_-]{20,}/],
  ['ticket or refresh token', /\b(?:ticket|refreshtoken)@@@[A-Za-z0-9_-]{20,}/],
  ['COS security token', /\bemu-cos-[A-Za-z0-9_-]{20,}|\bCt[A-Za-z0-9_-]{60,}/],
  ['URL signature', /q-signature=[0-9a-f]{20,}|[?&]sign=[0-9a-f]{20,}/i],
];

export interface SecretScan {
  /** Starts capturing console output (the functions' log lines); restores it on stop(). */
  start(): void;
  answer(answer: unknown): void;
  /** Stops capturing; the findings, one line per hit kind. */
  stop(): { lines: number; answers: number; found: string[] };
}

export function secretScan(): SecretScan {
  const printed: string[] = [];
  const answered: string[] = [];
  const originals: Partial<Record<'log' | 'info' | 'warn' | 'error' | 'debug', (...args: unknown[]) => void>> = {};
  return {
    start() {
      for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
        originals[method] = console[method];
        console[method] = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
      }
    },
    answer(answer) {
      // A download link is what getDownloadTcbFileLink and exportCodePackage are for: a temporary,
      // read-only link to one file, signed for the person who asked. It is the answer, not a leak.
      const withoutLinks = (_key: string, value: unknown) => (_key === 'download_url' ? '(link)' : value);
      const text = typeof answer === 'string' ? answer : JSON.stringify(answer, withoutLinks) ?? '';
      // An HTTP answer carries its JSON as a string: scan that too, links set aside the same way.
      let inner = '';
      if (typeof answer === 'object' && answer !== null && typeof (answer as { body?: unknown }).body === 'string') {
        try {
          inner = JSON.stringify(JSON.parse((answer as { body: string }).body), withoutLinks);
        } catch {
          inner = (answer as { body: string }).body;
        }
      }
      answered.push(inner === '' ? text : inner);
    },
    stop() {
      for (const [method, original] of Object.entries(originals)) (console as unknown as Record<string, unknown>)[method] = original;
      const found: string[] = [];
      for (const [where, texts] of [['log', printed], ['answer', answered]] as const) {
        for (const text of texts) {
          for (const value of PLANTED) if (text.includes(value)) found.push(`${where}: a planted secret: ${text.slice(0, 160)}`);
          for (const [kind, shape] of SHAPES) if (shape.test(text)) found.push(`${where}: ${kind}: ${text.slice(0, 160)}`);
        }
      }
      return { lines: printed.length, answers: answered.length, found };
    },
  };
}
