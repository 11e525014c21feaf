/**
 * The interactions a process is answering right now, so a stop (SIGTERM from a supervisor, a
 * deploy) lets them finish instead of cutting members off mid-answer, for at most a bounded time.
 */
export const DRAIN_TIMEOUT_MS = 10_000;

export class InFlight {
  private readonly running = new Set<Promise<unknown>>();
  private accepting = true;

  get size(): number {
    return this.running.size;
  }

  /** False once stop() began: new interactions are then declined instead of started. */
  get isAccepting(): boolean {
    return this.accepting;
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const forget = () => this.running.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** Stops accepting and waits for what is running; resolves with how many did not finish in time. */
  async drain(timeoutMs = DRAIN_TIMEOUT_MS): Promise<number> {
    this.accepting = false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.allSettled([...this.running]), timeout]);
    clearTimeout(timer);
    return this.running.size;
  }
}
