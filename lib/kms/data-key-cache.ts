import type { DataKey } from '../keys/data-key.js';

interface Cached {
  readonly key: DataKey;
  /** When the key was generated or unwrapped, in epoch milliseconds. */
  readonly loadedAt: number;
}

/** Limits of a {@link DataKeyCache}. */
export interface DataKeyCacheLimits {
  readonly maxAgeMs: number;
  readonly maxKeys: number;
  /** How long an evicted key stays intact for operations already holding it; 0 zeroes at once. */
  readonly evictionGraceMs: number;
}

/**
 * Unwrapped data keys by id, each kept at most `maxAgeMs` and at most
 * `maxKeys` of them (least recently used dropped first). A key that leaves
 * the cache is never handed out again and is zeroed `evictionGraceMs` later
 * (by the next sweep), so that an operation already holding it can finish.
 * Concurrent loads of one id share one promise.
 */
export class DataKeyCache {
  readonly #entries = new Map<string, Cached>();
  readonly #loading = new Map<string, Promise<DataKey>>();
  readonly #draining: { readonly key: DataKey; readonly zeroAt: number }[] = [];

  constructor(
    private readonly limits: DataKeyCacheLimits,
    /** Ids never dropped for room (the key sealing new values). */
    private readonly pinned: (id: string) => boolean = () => false,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keys held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Ids held, least recently used first. */
  ids(): string[] {
    return [...this.#entries.keys()];
  }

  /** The key if held and not older than `maxAgeMs`; an expired key is zeroed and dropped. */
  get(id: string): DataKey | undefined {
    const cached = this.#entries.get(id);
    if (cached === undefined) return undefined;
    if (cached.key.destroyed || this.now() - cached.loadedAt >= this.limits.maxAgeMs) {
      this.evict(id);
      return undefined;
    }
    this.#entries.delete(id);
    this.#entries.set(id, cached);
    return cached.key;
  }

  /** Age of a held key in milliseconds, or `undefined`. */
  ageOf(id: string): number | undefined {
    const cached = this.#entries.get(id);
    return cached === undefined ? undefined : this.now() - cached.loadedAt;
  }

  /** Holds a key loaded at `loadedAt` (default now), replacing (and zeroing) another of its id. */
  put(key: DataKey, loadedAt = this.now()): void {
    const previous = this.#entries.get(key.id);
    if (previous !== undefined && previous.key !== key) this.release(previous.key);
    this.#entries.delete(key.id);
    this.#entries.set(key.id, { key, loadedAt });
    this.makeRoom();
  }

  /**
   * The held key, or the one `load` resolves to, loaded once however many
   * callers ask at the same time. A failed load is not remembered.
   */
  load(id: string, load: () => Promise<DataKey>): DataKey | Promise<DataKey> {
    const held = this.get(id);
    if (held !== undefined) return held;
    let loading = this.#loading.get(id);
    if (loading === undefined) {
      loading = load().then(
        (key) => {
          this.#loading.delete(id);
          this.put(key);
          return key;
        },
        (error: unknown) => {
          this.#loading.delete(id);
          throw error;
        },
      );
      this.#loading.set(id, loading);
    }
    return loading;
  }

  /** Drops one key; it is zeroed once the grace period has passed. */
  evict(id: string): void {
    const cached = this.#entries.get(id);
    if (cached === undefined) return;
    this.#entries.delete(id);
    this.release(cached.key);
  }

  /** Drops keys older than `maxAgeMs` and zeroes dropped keys whose grace has passed; returns how many it zeroed. */
  sweep(): number {
    const now = this.now();
    let zeroed = 0;
    for (const [id, cached] of [...this.#entries]) {
      if (now - cached.loadedAt < this.limits.maxAgeMs && !cached.key.destroyed) continue;
      this.evict(id);
      if (this.limits.evictionGraceMs <= 0) zeroed++;
    }
    for (let i = this.#draining.length - 1; i >= 0; i--) {
      const draining = this.#draining[i]!;
      if (draining.zeroAt > now) continue;
      draining.key.destroy();
      this.#draining.splice(i, 1);
      zeroed++;
    }
    return zeroed;
  }

  /** Zeroes and drops every key at once, those in their grace period too. */
  clear(): void {
    for (const { key } of this.#entries.values()) key.destroy();
    this.#entries.clear();
    for (const { key } of this.#draining) key.destroy();
    this.#draining.length = 0;
  }

  private release(key: DataKey): void {
    if (this.limits.evictionGraceMs <= 0) key.destroy();
    else this.#draining.push({ key, zeroAt: this.now() + this.limits.evictionGraceMs });
  }

  private makeRoom(): void {
    for (const id of this.#entries.keys()) {
      if (this.#entries.size <= this.limits.maxKeys) return;
      if (!this.pinned(id)) this.evict(id);
    }
  }
}
