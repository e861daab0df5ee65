// Reconnect delays: exponential with jitter, so that a server restart is not
// met by every browser at the same instant. Equal jitter (half fixed, half
// random) keeps a floor under each delay.

export interface BackoffOptions {
  /** First delay, milliseconds. */
  readonly baseMs: number;
  /** Largest delay, milliseconds. */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 300, maxMs: 10_000 };

/** Delay before reconnect attempt `attempt` (0 = the first retry). */
export function backoffDelay(attempt: number, random: () => number, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
