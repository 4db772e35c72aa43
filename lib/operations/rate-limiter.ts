import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Keeps a job at or under `perSecond` items per second on average, so that
 * it leaves Redis to the application. Without a rate it never waits.
 */
export class RateLimiter {
  readonly #startedAt = performance.now();
  #taken = 0;

  constructor(private readonly perSecond: number | undefined) {}

  /** Waits until `count` more items fit in the rate. */
  async take(count: number, signal?: AbortSignal): Promise<void> {
    this.#taken += count;
    if (this.perSecond === undefined) return;
    const due = this.#startedAt + ((this.#taken - count) / this.perSecond) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait, undefined, { signal }).catch(() => undefined);
  }
}
