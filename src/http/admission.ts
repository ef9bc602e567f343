import { ServiceUnavailableError } from '../shared/errors';

/** What the gate is told: how many units at once, and when waiting in line stops making sense. */
export interface AdmissionOptions {
  /** Units of work at once: the pool's connections. */
  permits: number;
  /** A waiter gives up (503) when no unit has finished for this long: the pool is stuck (ms). */
  stallMs: number;
  /** …and in any case after this long in line (ms). */
  maxWaitMs: number;
}

interface Waiter {
  since: number;
  admit(release: () => void): void;
  refuse(error: Error): void;
}

/**
 * The line in front of the request pool: a unit of work takes a permit (one of the pool's
 * connections) before it begins, and gives it back when its transaction has ended.
 *
 * Why not the pool's own acquire timeout: under a registration rush the line is long but moves —
 * thousands of parents arrive in the same second, and each would get a 503 after the pool's
 * timeout although its turn was coming. Here a waiter stays in line while units keep finishing,
 * and gets SERVICE_UNAVAILABLE (HTTP 503, Retry-After) fast when the line stops moving: no unit
 * has finished for `stallMs` (a database that hangs, every connection waiting on a lock), or when
 * it has waited `maxWaitMs` anyway. The second phase of a mutation (its payload, read after the
 * write committed) goes to the front of the line: its write is done, finishing it frees the
 * parent soonest.
 */
export class Admission {
  private free: number;
  private readonly line: Waiter[] = [];
  private lastFinished = Date.now();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: AdmissionOptions) {
    this.free = options.permits;
  }

  /** Waits for a permit; resolves with the function that gives it back (call it exactly once). */
  acquire(first = false): Promise<() => void> {
    if (this.free > 0 && this.line.length === 0) {
      this.free--;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { since: Date.now(), admit: resolve, refuse: reject };
      if (first) this.line.unshift(waiter);
      else this.line.push(waiter);
      this.watch();
    });
  }

  /** How many units hold a permit (a pool connection) now. */
  get inUse(): number {
    return this.options.permits - this.free;
  }

  /** How many requests wait in line now. */
  get waiting(): number {
    return this.line.length;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.lastFinished = Date.now();
      const next = this.line.shift();
      if (next) next.admit(this.releaser());
      else this.free++;
    };
  }

  /** While someone waits, checks a few times a second whether the line still moves. */
  private watch(): void {
    if (this.timer) return;
    const tick = Math.max(10, Math.min(250, Math.floor(this.options.stallMs / 4)));
    this.timer = setInterval(() => {
      const now = Date.now();
      const stalled = now - this.lastFinished >= this.options.stallMs;
      for (let i = this.line.length - 1; i >= 0; i--) {
        const waiter = this.line[i];
        const waited = now - waiter.since;
        if (waited >= this.options.maxWaitMs || (stalled && waited >= this.options.stallMs)) {
          this.line.splice(i, 1);
          waiter.refuse(new ServiceUnavailableError());
        }
      }
      if (this.line.length === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    }, tick);
    this.timer.unref();
  }
}
