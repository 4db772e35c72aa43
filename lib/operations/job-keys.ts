import { RetiredKeyError } from '../errors/retired-key.error.js';
import { UnknownKeyError } from '../errors/unknown-key.error.js';
import type { ValueLocation } from '../errors/value-location.js';
import type { DataKey } from '../keys/data-key.js';
import type { KeyRing } from '../keys/key-ring.interface.js';
import { OperationKeys } from '../repository/operation-keys.js';

/** Why the key ring gave no key for an id. */
export type MissingKeyReason = 'unknown-key' | 'retired-key';

function missingReason(error: unknown): MissingKeyReason | undefined {
  if (error instanceof UnknownKeyError) return 'unknown-key';
  if (error instanceof RetiredKeyError) return 'retired-key';
  return undefined;
}

/**
 * Decryption keys for a whole job: each id is asked of the key ring once,
 * including ids the ring refuses. Other failures (a key service that cannot
 * be reached) are thrown, so that the job stops instead of reporting data as
 * unopenable.
 */
export class JobKeys {
  readonly #operation: OperationKeys;
  readonly #missing = new Map<string, MissingKeyReason>();

  constructor(ring: KeyRing) {
    this.#operation = new OperationKeys(ring);
  }

  /** The key, or why there is none. May interrupt a synchronous walk run by {@link run}. */
  lookup(keyId: string, at: ValueLocation): DataKey | MissingKeyReason {
    const missing = this.#missing.get(keyId);
    if (missing !== undefined) return missing;
    try {
      return this.#operation.get(keyId, at);
    } catch (error) {
      const reason = missingReason(error);
      if (reason === undefined) throw error;
      this.#missing.set(keyId, reason);
      return reason;
    }
  }

  /** Runs a synchronous walk, again after each key that had to be fetched asynchronously. */
  async run<R>(walk: () => R): Promise<R> {
    for (;;) {
      try {
        return await this.#operation.run(() => walk());
      } catch (error) {
        const reason = missingReason(error);
        if (reason === undefined) throw error;
        this.#missing.set((error as UnknownKeyError | RetiredKeyError).keyId, reason);
      }
    }
  }
}
