/**
 * A drill's timeline: one line per step on stderr (elapsed time, step, how long it took, what it
 * found), and the final JSON line on stdout. A step that throws is a failure named after it; the
 * story goes on where it can (later steps may fail too, each named).
 */
export interface DrillResult {
  story: string;
  chaos: boolean;
  scale: number;
  steps: number;
  invariants: string[];
  failures: string[];
  /** Steps the story will have once other work lands, not counted as passed (e.g. { issue: '#13', steps }). */
  waiting?: { issue: string; steps: string[] }[];
  faults?: string[];
  retries?: { unavailable: number; refused: number; internal: number };
  seconds: number;
}

export class Timeline {
  private readonly started = Date.now();
  steps = 0;
  readonly invariants: string[] = [];
  readonly failures: string[] = [];
  readonly faults: string[] = [];
  readonly waiting: { issue: string; steps: string[] }[] = [];

  constructor(
    readonly story: string,
    readonly chaos: boolean,
    readonly scale: number,
  ) {}

  private line(text: string): void {
    const elapsed = ((Date.now() - this.started) / 1000).toFixed(1).padStart(6);
    process.stderr.write(`[${this.story}] +${elapsed}s ${text}\n`);
  }

  /** Runs one step; its line says how long it took and what it returned (a short summary). */
  async step<T>(
    name: string,
    work: () => Promise<T>,
    summary?: (value: T) => string,
  ): Promise<T | undefined> {
    const begin = Date.now();
    this.steps++;
    try {
      const value = await work();
      this.line(`${name} (${Date.now() - begin} ms)${summary ? `: ${summary(value)}` : ''}`);
      return value;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.failures.push(`${name}: ${message.slice(0, 500)}`);
      this.line(`FAILED ${name} (${Date.now() - begin} ms): ${message.slice(0, 300)}`);
      return undefined;
    }
  }

  /** A fault injected on purpose (--chaos). */
  fault(text: string): void {
    this.faults.push(text);
    this.line(`CHAOS ${text}`);
  }

  note(text: string): void {
    this.line(text);
  }

  /** Records the invariant checked and the violations it found (each a failure, named). */
  async invariant(name: string, check: string[] | Promise<string[]>): Promise<void> {
    this.invariants.push(name);
    let violations: string[];
    try {
      violations = await check;
    } catch (error) {
      violations = [`could not be checked: ${error instanceof Error ? error.message : String(error)}`];
    }
    for (const violation of violations.slice(0, 10)) this.failures.push(`${name}: ${violation}`);
    if (violations.length > 10) this.failures.push(`${name}: … and ${violations.length - 10} more`);
    this.line(`invariant ${name}: ${violations.length ? `BROKEN (${violations.length})` : 'holds'}`);
  }

  result(extra: Partial<DrillResult> = {}): DrillResult {
    return {
      story: this.story,
      chaos: this.chaos,
      scale: this.scale,
      steps: this.steps,
      invariants: this.invariants,
      failures: this.failures,
      ...(this.waiting.length ? { waiting: this.waiting } : {}),
      ...(this.faults.length ? { faults: this.faults } : {}),
      ...extra,
      seconds: Math.round((Date.now() - this.started) / 100) / 10,
    };
  }
}
