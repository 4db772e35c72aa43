import type { ClusterNode, ClusterOptions, RedisOptions } from 'ioredis';
import type { KeyRing } from '../keys/key-ring.interface.js';
import type { LocalKeyRingOptions } from '../keys/local-key-ring.js';
import type { KmsKeyRingOptions } from '../kms/kms-key-ring-options.interface.js';
import type { WaitForReplicas } from '../repository/encrypted-repository.js';
import type { LegacyPlaintextPolicy } from '../repository/record-codec.js';
import type { RedisClient } from '../repository/redis-client.js';

/** A Redis Cluster to connect to. */
export interface ClusterConnectionOptions {
  readonly cluster: {
    readonly nodes: readonly ClusterNode[];
    readonly options?: ClusterOptions;
  };
}

/**
 * How to reach Redis: a `redis://` or `rediss://` URL, ioredis options
 * (including Sentinel's `sentinels` and `name`), a Cluster, or an existing
 * ioredis client, which the module uses but never closes.
 */
export type RedisConnection = string | RedisOptions | ClusterConnectionOptions | RedisClient;

/** Options of `EncryptedRedisModule.forRoot` (and the factory of `forRootAsync`). */
export interface EncryptedRedisModuleOptions {
  /** Redis to use. Default: `redis://127.0.0.1:6379`. */
  readonly connection?: RedisConnection;
  /**
   * Local keys: 32-byte keys by id, the primary id, retired ids. Default:
   * when none of `keys`, `kms` and `keyRing` is given, the KMS key ring from
   * `ENCRYPTED_REDIS_KMS_KEY_ID` if set, else local keys from
   * `ENCRYPTED_REDIS_KEYS` (see README).
   */
  readonly keys?: LocalKeyRingOptions;
  /**
   * AWS KMS envelope encryption: data keys generated and wrapped by this KMS
   * key, registered in Redis under `keyPrefix`, cached in memory. The module
   * builds the ring with its own Redis client and zeroes it on shutdown.
   * Cannot be combined with `keys` or `keyRing`. See docs/kms.md.
   */
  readonly kms?: KmsKeyRingOptions;
  /** A key ring of your own (a `KmsKeyRing` you built, say). Takes precedence over `keys`. */
  readonly keyRing?: KeyRing;
  /** Prefix of every Redis key the library writes. Default: `''`. */
  readonly keyPrefix?: string;
  /**
   * A clear value found in a sealed field: `'reject'` raises
   * `NotEncryptedError`; `'read'` returns it, for migrating data written before
   * encryption was enabled (logged as a warning at startup). Default: `'reject'`.
   */
  readonly legacyPlaintext?: LegacyPlaintextPolicy;
  /**
   * Write concern: after every write, wait until this many replicas confirm it
   * (Redis `WAIT`), so that an acknowledged write survives the loss of its
   * primary. A shortfall raises the retriable `ReplicationError`. Default: none.
   */
  readonly waitForReplicas?: WaitForReplicas;
}
