/**
 * The time budget of one invocation. SCF kills a function at its timeout; every WeChat request and
 * every retry wait must fit inside what is left, with a margin to send the answer back.
 */
export class Deadline {
  constructor(
    /** epoch ms at which the answer must be on its way */
    readonly at: number,
    private readonly now: () => number = Date.now,
  ) {}

  remainingMs(): number {
    return Math.max(0, this.at - this.now());
  }

  expired(): boolean {
    return this.remainingMs() <= 0;
  }

  /** Reserved to shape and send the answer after the last WeChat call. */
  static readonly ANSWER_MARGIN_MS = 250;
  /** Used when the context says nothing (direct calls in tests, scripts). */
  static readonly DEFAULT_BUDGET_MS = 20000;

  /**
   * From the SCF context: `time_limit_in_ms` is the function's timeout. The CLI's local runtime shim
   * passes it in seconds ("3"), the platform in milliseconds; values under 1000 are read as seconds.
   */
  static fromContext(context: unknown, startedAt: number = Date.now(), now: () => number = Date.now): Deadline {
    const raw = typeof context === 'object' && context !== null ? (context as Record<string, unknown>)['time_limit_in_ms'] : undefined;
    let limitMs = Number(raw);
    if (!Number.isFinite(limitMs) || limitMs <= 0) limitMs = Deadline.DEFAULT_BUDGET_MS;
    else if (limitMs < 1000) limitMs *= 1000;
    return new Deadline(startedAt + limitMs - Deadline.ANSWER_MARGIN_MS, now);
  }
}
