/**
 * At most `limit` calls in flight in the whole apply, across clusters (`--parallelism`, 10 by
 * default as Terraform's -parallelism). Waiting calls start in the order they asked.
 */
export class CallLimiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`parallelism must be a whole number of at least 1, got ${limit}`);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.active += 1;
    try {
      return await work();
    } finally {
      const next = this.queue.shift();
      if (next) next(); // the slot passes on as it is
      else this.active -= 1;
    }
  }
}
