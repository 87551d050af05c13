/**
 * Faults the emulator injects on request, each for the next `times` calls to a path ("*" for any):
 * - errcode:          answer {errcode, errmsg} without doing anything (e.g. -1 busy, 45009);
 * - invalidate_token: revoke the token the call carries, then handle it (so it gets a real 40001);
 * - delay:            wait delay_ms, then handle it normally (slow replies, timeouts);
 * - drop:             close the connection before doing anything;
 * - drop_after:       do the work, then close the connection without answering (lost reply);
 * - http_error:       answer with an HTML gateway error page (status, default 502).
 * `after` (default 0) lets that many matching calls through untouched first (e.g. drop the second upload).
 */
export type FaultType = 'errcode' | 'invalidate_token' | 'delay' | 'drop' | 'drop_after' | 'http_error';

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

const TYPES: readonly FaultType[] = ['errcode', 'invalidate_token', 'delay', 'drop', 'drop_after', 'http_error'];

/** A delay fault waits at most this long (10 minutes): longer is a hang, not a slow reply. */
const MAX_DELAY_MS = 600_000;

export class FaultQueue {
  private readonly faults: Fault[] = [];

  /** Validates and queues a fault from the admin API (a bad field is refused, naming it). */
  add(input: Record<string, unknown>): Fault {
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
    this.faults.push(fault);
    return fault;
  }

  /** The fault that applies to this call, if any (consumed). */
  take(path: string): Fault | undefined {
    const index = this.faults.findIndex((fault) => fault.path === path || fault.path === '*');
    if (index < 0) return undefined;
    const fault = this.faults[index] as Fault;
    if ((fault.after ?? 0) > 0) {
      fault.after = (fault.after ?? 0) - 1;
      return undefined;
    }
    fault.times -= 1;
    if (fault.times <= 0) this.faults.splice(index, 1);
    return { ...fault };
  }

  list(): Fault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  clear(): void {
    this.faults.length = 0;
  }
}
