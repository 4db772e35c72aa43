import { RetiredKeyError } from '../errors/retired-key.error.js';
import { UnknownKeyError } from '../errors/unknown-key.error.js';
import type { ValueLocation } from '../errors/value-location.js';
import type { DataKey } from '../keys/data-key.js';
import type { KeyRing } from '../keys/key-ring.interface.js';

/** Thrown inside a decode when a key must be fetched asynchronously first. */
class PendingKey extends Error {
  constructor(
    readonly keyId: string,
    readonly location: ValueLocation,
    readonly promise: Promise<DataKey>,
  ) {
    super(`key "${keyId}" is being fetched`);
  }
}

function located(error: unknown, location: ValueLocation): unknown {
  return error instanceof UnknownKeyError || error instanceof RetiredKeyError
    ? error.at(location)
    : error;
}

/**
 * Decryption keys for one operation. Decoding is synchronous; a key the ring
 * can only give asynchronously (a key service on a cold cache) interrupts the
 * decode, is fetched, and the decode runs again.
 */
export class OperationKeys {
  readonly #keys = new Map<string, DataKey>();

  constructor(private readonly ring: KeyRing) {}

  get(keyId: string, location: ValueLocation): DataKey {
    const known = this.#keys.get(keyId);
    // A key ring may zero a cached key (expired, evicted) while an operation still holds it.
    if (known !== undefined && !known.destroyed) return known;
    let key: DataKey | Promise<DataKey>;
    try {
      key = this.ring.decryptionKey(keyId);
    } catch (error) {
      throw located(error, location);
    }
    if (key instanceof Promise) throw new PendingKey(keyId, location, key);
    this.#keys.set(keyId, key);
    return key;
  }

  /** Runs `decode` until every key it needs has been fetched. */
  run<R>(decode: (keys: OperationKeys) => R): R | Promise<R> {
    try {
      return decode(this);
    } catch (error) {
      if (!(error instanceof PendingKey)) throw error;
      return this.runAfter(error, decode);
    }
  }

  private async runAfter<R>(first: PendingKey, decode: (keys: OperationKeys) => R): Promise<R> {
    for (let pending = first; ;) {
      try {
        this.#keys.set(pending.keyId, await pending.promise);
      } catch (failure) {
        throw located(failure, pending.location);
      }
      try {
        return decode(this);
      } catch (error) {
        if (!(error instanceof PendingKey)) throw error;
        pending = error;
      }
    }
  }
}
