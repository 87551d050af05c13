import type { Emulator } from '../../scripts/emulator';
import { describeCode } from '../../shared/error-codes';
import type { Main } from './bundles';
import { useEmulator } from './emulator';
import { setEnv } from './env';
import { secretScan, type SecretScan } from './secret-scan';

/**
 * The fault soak's shared pieces (test/reliability/fault-soak-*.test.ts): seeded runs with the
 * emulator failing 20 % of all requests (busy -1, 45009, dropped connections before and after the
 * work, replies slower than the timeout, garbage bodies, HTTP 502, revoked tokens; on the COS
 * upload and the database alike), then a clean re-run as the README tells a user to retry. Every
 * run must end in the fault-free run's final state: no duplicate write, nothing a re-run could not finish.
 */
export const SOAK_SEED = Number(process.env['SOAK_SEED'] ?? 7331);
export const SOAK_TIMEOUT_MS = 250;
export const SOAK_FAULTS = [
  { type: 'errcode', errcode: -1, errmsg: 'system error' },
  { type: 'errcode', errcode: 45009, errmsg: 'reach max api daily quota limit' },
  { type: 'drop' },
  { type: 'drop_after' },
  { type: 'delay', delay_ms: SOAK_TIMEOUT_MS + 150 },
  { type: 'garbage' },
  { type: 'http_error', status: 502 },
  { type: 'invalidate_token' },
];

export type Answer = Record<string, unknown>;

/** The soak's emulator: applications finish at once, and each test starts from a fresh state with short request timeouts. */
export function useSoakEmulator(): () => Emulator {
  const current = useEmulator({ marketcodeFinishDelaySeconds: 0 });
  beforeEach(() => {
    current().reset();
    setEnv({ WXOPEN_REQUEST_TIMEOUT_MS: String(SOAK_TIMEOUT_MS) });
  });
  return current;
}

export interface Tally {
  name: string;
  runs: number;
  injected: number;
  kinds: Record<string, number>;
  endedOk: number;
  endedRetryable: number;
  endedOther: Record<string, number>;
  duplicates: number;
  unfinished: number;
  failures: string[];
  /** Every log line (at debug level) and answer of the soak, scanned for secrets at the end. */
  scan: SecretScan;
  secretsFound: string[];
}

export function newTally(name: string): Tally {
  const scan = secretScan();
  setEnv({ WXOPEN_LOG_LEVEL: 'debug' });
  scan.start();
  return { name, runs: 0, injected: 0, kinds: {}, endedOk: 0, endedRetryable: 0, endedOther: {}, duplicates: 0, unfinished: 0, failures: [], scan, secretsFound: [] };
}

/** A function whose every answer goes to the tally's secret scan. */
export function watched(tally: Tally, main: Main): Main {
  return async (event, context) => {
    // After useAccount (which silences the logs): every call logs at debug level, for the scan.
    setEnv({ WXOPEN_LOG_LEVEL: 'debug' });
    const answer = await main(event, context);
    tally.scan.answer(answer);
    return answer;
  };
}

export function faultsOn(emulator: Emulator, seed: number): void {
  emulator.faults.setRandom({ rate: 0.2, seed, faults: SOAK_FAULTS });
}

export function faultsOff(emulator: Emulator, tally: Tally): void {
  for (const [kind, n] of Object.entries(emulator.faults.randomState()?.injected ?? {})) {
    tally.injected += n;
    tally.kinds[kind] = (tally.kinds[kind] ?? 0) + n;
  }
  emulator.faults.clear();
}

/** Executed writes: requests the emulator carried out (its answer, sent or lost, had errcode 0). */
export const executed = (emulator: Emulator, path: string): number => emulator.callsTo(path).filter((call) => call.errcode === 0).length;

/** How a faulty run ended: ok, a retryable error, another clear error (by code), or an unclear one. */
export function classify(tally: Tally, answer: Answer): void {
  tally.runs++;
  const errcode = answer['errcode'];
  if (errcode === 0) tally.endedOk++;
  else if (typeof errcode !== 'number' || errcode === 990099 || typeof answer['hint'] !== 'string' || answer['hint'] === '') tally.endedOther[`unclear ${String(errcode)}`] = (tally.endedOther[`unclear ${String(errcode)}`] ?? 0) + 1;
  else if (answer['category'] === 'busy' || describeCode(errcode).retryable) tally.endedRetryable++;
  else tally.endedOther[String(errcode)] = (tally.endedOther[String(errcode)] ?? 0) + 1;
}

export function report(tally: Tally): void {
  const scanned = tally.scan.stop();
  setEnv({ WXOPEN_LOG_LEVEL: 'silent' });
  tally.secretsFound = scanned.found;
  const other = Object.values(tally.endedOther).reduce((a, b) => a + b, 0);
  process.stdout.write(
    `fault soak, ${tally.name} (seed ${SOAK_SEED}): ${tally.runs} runs, ${tally.injected} faults injected (${Object.entries(tally.kinds).map(([kind, n]) => `${kind} ${n}`).join(', ')}); ended ok ${tally.endedOk}, with a retryable error ${tally.endedRetryable}, with another clear error ${other} (${Object.entries(tally.endedOther).map(([code, n]) => `${code}: ${n}`).join(', ') || 'none'}); duplicate writes ${tally.duplicates}; re-runs that could not finish ${tally.unfinished}; secrets in ${scanned.lines} log lines and ${scanned.answers} answers: ${scanned.found.length}\n`,
  );
}

/** The soak's properties: each failure named. */
export function expectClean(tally: Tally): void {
  expect(tally.failures.slice(0, 5)).toEqual([]);
  expect(tally.duplicates).toBe(0);
  expect(tally.unfinished).toBe(0);
  expect(tally.secretsFound.slice(0, 5)).toEqual([]);
  expect(Object.keys(tally.endedOther).filter((code) => code.startsWith('unclear'))).toEqual([]);
}
