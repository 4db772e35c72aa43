/** How an entity is laid out in Redis. */
export type StorageKind = 'hash' | 'json';

/** Options of `@RedisEntity(name, options)`. */
export interface RedisEntityOptions {
  /**
   * `'hash'` keeps each field in its own hash field (partial updates touch only
   * what changed); `'json'` keeps the whole entity as one JSON string value.
   * Default: `'hash'`.
   */
  readonly storage?: StorageKind;
  /** Default time to live of saved entities, in seconds. Default: none (no expiry). */
  readonly ttl?: number;
  /** Name of the id property. Default: `'id'`. */
  readonly id?: string;
}

/** Options of `@Encrypted(options)`. */
export interface EncryptedOptions {
  /**
   * Pads the sealed value to a multiple of this many bytes, so that its stored
   * length reveals only a length bucket. Default: no padding (lengths leak).
   */
  readonly padding?: number;
}
