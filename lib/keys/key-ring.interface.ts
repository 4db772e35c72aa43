import type { DataKey } from './data-key.js';

/** What a key ring says about one of its keys; never the key bytes. */
export interface KeyDescription {
  readonly id: string;
  /** `primary` seals new values; `decrypt-only` opens old ones; `retired` is refused. */
  readonly state: 'primary' | 'decrypt-only' | 'retired';
}

/**
 * Keys of blind indexes. Tokens are written under `current`; lookups compute
 * a token under every key in `lookup` (`current` included), so that entries
 * written before a rotation keep being found until they are rebuilt.
 */
export interface IndexKeys {
  readonly current: DataKey;
  readonly lookup: readonly DataKey[];
}

/**
 * Source of keys for sealing and opening values. Methods may answer
 * synchronously (local keys, warm caches) or with a promise (a key service).
 */
export interface KeyRing {
  /** The key that seals new values. */
  encryptionKey(): DataKey | Promise<DataKey>;
  /**
   * The key named in an envelope. Throws `UnknownKeyError`, `RetiredKeyError`
   * or, for remote key services, the retriable `KeyUnavailableError`.
   */
  decryptionKey(keyId: string): DataKey | Promise<DataKey>;
  /** The keys this ring knows, for logs and status reports. */
  describe(): KeyDescription[];
  /**
   * Keys of blind indexes, shared by every instance of the application.
   * Entities with `@Encrypted({ index })` fields need a ring that has them.
   */
  indexKeys?(): IndexKeys | Promise<IndexKeys>;
  /**
   * What seals new values, stable across restarts: resumable jobs compare it
   * to tell whether a checkpoint was written under the same configuration.
   * Default: the id of `encryptionKey()`. A ring that seals under a new data
   * key per process (KMS) names its wrapping key instead.
   */
  sealingIdentity?(): string;
  /** Releases resources and zeroes key material. */
  close?(): void | Promise<void>;
}
