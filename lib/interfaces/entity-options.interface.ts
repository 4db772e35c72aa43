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
  /**
   * Keeps a blind index beside the sealed value so that `repository.findBy`
   * can find entities by it: a keyed HMAC of the normalised value, truncated.
   * Equal values have equal tokens, so the index leaks equality. Only
   * top-level fields of an entity can be indexed. Default: no index.
   */
  readonly index?: boolean | BlindIndexOptions;
}

/** How a string is normalised before it is indexed. */
export type BlindIndexNormalization = 'trim' | 'lowercase' | 'nfkc';

/** Options of a blind index. */
export interface BlindIndexOptions {
  /**
   * Bytes of the HMAC-SHA256 kept per token, 1 to 32. Fewer bytes make
   * unrelated values share tokens (more candidates to open per lookup, less
   * certainty for someone reading the index). Default: 8.
   */
  readonly bytes?: number;
  /**
   * Applied in this order to strings before hashing, so that lookups match
   * regardless of case, surrounding space or Unicode form. Default: none.
   */
  readonly normalize?: readonly BlindIndexNormalization[];
}
