/**
 * A per-provider gate: at most `concurrency` requests in flight and a token bucket refilled at
 * `perMinute`, so a batch never trips the API's own rate limit (DataForSEO: about 2,000 a minute).
 */

/**
 * A limit held outside this process, such as one API account's rate shared by every worker of a
 * fleet (src/fleet/limiter.ts): `wait` resolves when one more request may go out now, and throws
 * when the gate cannot be asked (its Redis is gone).
 */
export interface AccountGate {
  /**
   * Resolves when one more request may go out now. A gate that also counts requests in flight
   * (an account's simultaneous-request limit) resolves with the function to call once that request
   * has ended, answered or not; the limiter calls it exactly once.
   */
  wait(): Promise<AccountRelease | void>;
}

/** Ends one request's hold on an account gate. */
export type AccountRelease = () => void;

export interface LimitSettings {
  concurrency: number;
  perMinute: number;
  /** Requests allowed at once before the refill rate applies (default: concurrency). */
  burst?: number;
  /**
   * The least wait before retrying a 429 that names no Retry-After (Ahrefs v3 sends an HTML page
   * and no header); exponential backoff applies on top. Default 0.
   */
  rateLimitedWaitMs?: number;
  /**
   * Requests the API allows one account to have open at once, across every program that uses it
   * (DataForSEO: 30). A single process never reaches it with `concurrency`; a fleet shares it
   * through its account gate (src/fleet/limiter.ts). Absent: the API states none.
   */
  accountConcurrency?: number;
  /** Asked after this process's own slot and token, before every network attempt. */
  accountGate?: AccountGate;
}

export class RequestLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private tokens: number;
  private refilledAt: number;
  private readonly capacity: number;

  constructor(
    private readonly settings: LimitSettings,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.capacity = Math.max(1, settings.burst ?? settings.concurrency);
    this.tokens = this.capacity;
    this.refilledAt = this.now();
  }

  /** Resolves with a release function once a slot and a rate token are both available. */
  async acquire(): Promise<() => void> {
    // A released slot is handed straight to the next waiter, so no newcomer can slip in between.
    if (this.active >= this.settings.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    let released = false;
    let leaveAccount: AccountRelease | void = undefined;
    const release = () => {
      if (released) return;
      released = true;
      leaveAccount?.();
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    };
    try {
      await this.takeToken();
      leaveAccount = await this.settings.accountGate?.wait();
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }

  private async takeToken(): Promise<void> {
    const perMs = this.settings.perMinute / 60_000;
    for (;;) {
      const now = this.now();
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.refilledAt) * perMs);
      this.refilledAt = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.ceil((1 - this.tokens) / perMs)));
    }
  }
}
