/**
 * Faults the emulator injects on request, each for the next `times` calls to a path ("*" for any):
 * - errcode:          answer {errcode, errmsg} without doing anything (e.g. -1 busy, 45009);
 * - invalidate_token: revoke the token the call carries, then handle it (so it gets a real 40001);
 * - delay:            wait delay_ms, then handle it normally (slow replies, timeouts);
 * - drop:             close the connection before doing anything;
 * - drop_after:       do the work, then close the connection without answering (lost reply);
 * - http_error:       answer with an HTML gateway error page (status, default 502);
 * - garbage:          answer HTTP 200 with a body that is not JSON (cut off mid-way), doing nothing.
 * `after` (default 0) lets that many matching calls through untouched first (e.g. drop the second upload).
 *
 * Besides the queue, a seeded random mode (setRandom) gives any call a fault with a set
 * probability, picked among a set of fault kinds: the soak tests' 20 % of everything.
 */
export type FaultType = 'errcode' | 'invalidate_token' | 'delay' | 'drop' | 'drop_after' | 'http_error' | 'garbage';

export interface Fault {
  path: string;
  type: FaultType;
  times: number;
  errcode?: number;
  errmsg?: string;
  delay_ms?: number;
  status?: number;
  after?: number;
}

const TYPES: readonly FaultType[] = ['errcode', 'invalidate_token', 'delay', 'drop', 'drop_after', 'http_error', 'garbage'];

/** The random mode: each call (to a path starting with one of `paths`, all when empty) faults with probability `rate`. */
export interface RandomFaults {
  rate: number;
  seed: number;
  kinds: Array<Omit<Fault, 'path' | 'times'>>;
  paths: string[];
  /** Faults injected so far, per kind. */
  injected: Record<string, number>;
}

/** mulberry32: a small seeded PRNG, so that a soak run can be replayed from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fault kind's name for counts: "errcode -1", "drop", "delay 400ms". */
export function kindName(kind: Omit<Fault, 'path' | 'times'>): string {
  if (kind.type === 'errcode') return `errcode ${String(kind.errcode)}`;
  if (kind.type === 'delay') return `delay ${String(kind.delay_ms ?? 1000)}ms`;
  if (kind.type === 'http_error') return `http ${String(kind.status ?? 502)}`;
  return kind.type;
}

/** A delay fault waits at most this long (10 minutes): longer is a hang, not a slow reply. */
const MAX_DELAY_MS = 600_000;

export class FaultQueue {
  private readonly faults: Fault[] = [];
  private random: (RandomFaults & { next: () => number }) | undefined;

  /**
   * Turns the random mode on (rate > 0) or off, from the admin API's body: {rate, seed?, faults?, paths?}.
   * Each entry of `faults` is checked as a queued fault would be.
   */
  setRandom(input: Record<string, unknown>): RandomFaults | undefined {
    const rate = input['rate'];
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) throw new Error('rate must be a number from 0 (off) to 1');
    if (rate === 0) {
      this.random = undefined;
      return undefined;
    }
    const seed = input['seed'] ?? 1;
    if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new Error('seed must be a whole number');
    const given = input['faults'] ?? [{ type: 'errcode', errcode: -1 }, { type: 'drop' }, { type: 'drop_after' }, { type: 'http_error', status: 502 }, { type: 'garbage' }, { type: 'invalidate_token' }];
    if (!Array.isArray(given) || given.length === 0) throw new Error('faults must be a non-empty list of faults ({type, errcode?, delay_ms?, status?})');
    const kinds = given.map((entry: unknown) => {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new Error('each of faults must be an object');
      const { path: _path, times: _times, after: _after, ...kind } = this.check({ ...(entry as Record<string, unknown>), path: '*' });
      return kind;
    });
    const paths = input['paths'] ?? [];
    if (!Array.isArray(paths) || paths.some((path) => typeof path !== 'string')) throw new Error('paths must be a list of path prefixes');
    this.random = { rate, seed, kinds, paths: (paths as string[]).map((path) => path.replace(/^\/+/, '')), injected: {}, next: prng(seed) };
    return this.randomState();
  }

  randomState(): RandomFaults | undefined {
    if (this.random === undefined) return undefined;
    const { next: _next, ...state } = this.random;
    return { ...state, injected: { ...state.injected } };
  }

  /** Validates and queues a fault from the admin API (a bad field is refused, naming it). */
  add(input: Record<string, unknown>): Fault {
    const fault = this.check(input);
    this.faults.push(fault);
    return fault;
  }

  private check(input: Record<string, unknown>): Fault {
    const type = input['type'];
    if (typeof type !== 'string' || !TYPES.includes(type as FaultType)) throw new Error(`type must be one of ${TYPES.join(', ')}`);
    const rawPath = input['path'] ?? '*';
    if (typeof rawPath !== 'string' || rawPath.replace(/^\/+/, '') === '') throw new Error('path must be an API path such as cgi-bin/wxopen/qrcodejumpget, or "*" for every path');
    const path = rawPath.replace(/^\/+/, '');
    const times = input['times'] === undefined ? 1 : Number(input['times']);
    if (!Number.isInteger(times) || times < 1) throw new Error('times must be a whole number >= 1');
    const fault: Fault = { path, type: type as FaultType, times };
    if (typeof input['errcode'] === 'number') fault.errcode = input['errcode'];
    if (typeof input['errmsg'] === 'string') fault.errmsg = input['errmsg'];
    const delay = input['delay_ms'];
    if (delay !== undefined) {
      if (typeof delay !== 'number' || !(delay >= 0 && delay <= MAX_DELAY_MS)) throw new Error(`delay_ms must be a number from 0 to ${MAX_DELAY_MS}`);
      fault.delay_ms = delay;
    }
    const status = input['status'];
    if (status !== undefined) {
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) throw new Error('status must be an HTTP error status from 400 to 599');
      fault.status = status;
    }
    if (input['after'] !== undefined) {
      const after = Number(input['after']);
      if (!Number.isInteger(after) || after < 0) throw new Error('after must be a whole number >= 0');
      fault.after = after;
    }
    if (type === 'errcode' && fault.errcode === undefined) throw new Error('errcode faults need an errcode');
    return fault;
  }

  /** The fault that applies to this call, if any (consumed). */
  take(path: string): Fault | undefined {
    const index = this.faults.findIndex((fault) => fault.path === path || fault.path === '*');
    if (index < 0) return this.randomFault(path);
    const fault = this.faults[index] as Fault;
    if ((fault.after ?? 0) > 0) {
      fault.after = (fault.after ?? 0) - 1;
      return undefined;
    }
    fault.times -= 1;
    if (fault.times <= 0) this.faults.splice(index, 1);
    return { ...fault };
  }

  private randomFault(path: string): Fault | undefined {
    const random = this.random;
    if (random === undefined || (random.paths.length > 0 && !random.paths.some((prefix) => path.startsWith(prefix)))) return undefined;
    if (random.next() >= random.rate) return undefined;
    const kind = random.kinds[Math.floor(random.next() * random.kinds.length)] ?? random.kinds[0];
    if (kind === undefined) return undefined;
    random.injected[kindName(kind)] = (random.injected[kindName(kind)] ?? 0) + 1;
    return { ...kind, path, times: 1 };
  }

  list(): Fault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  clear(): void {
    this.faults.length = 0;
    this.random = undefined;
  }
}
