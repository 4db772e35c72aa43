import type { DataKey } from './data-key.js';

/** What a key ring says about one of its keys; never the key bytes. */
export interface KeyDescription {
  readonly id: string;
  /** `primary` seals new values; `decrypt-only` opens old ones; `retired` is refused. */
  readonly state: 'primary' | 'decrypt-only' | 'retired';
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
  /** Releases resources and zeroes key material. */
  close?(): void | Promise<void>;
}
