/** Caps how many TMDB requests are in flight at once, and how many may wait, so a slow TMDB cannot pile up work. */

export class QueueFullError extends Error {
  constructor(limit: number) {
    super(`more than ${limit} TMDB requests are already waiting`);
    this.name = 'QueueFullError';
  }
}

export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly maxConcurrent: number,
    private readonly maxQueued: number = Number.POSITIVE_INFINITY,
  ) {
    if (!(Number.isInteger(maxConcurrent) && maxConcurrent >= 1)) {
      throw new RangeError(`maxConcurrent must be a positive integer, got ${maxConcurrent}`);
    }
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `task` once a slot is free; rejects at once with QueueFullError if too many are already waiting. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.maxConcurrent) {
      if (this.waiting.length >= this.maxQueued) throw new QueueFullError(this.maxQueued);
      // The finishing task hands its slot straight to us (see release), so `active` is already counted.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}
