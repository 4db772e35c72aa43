import type { KMSClient, KMSClientConfig } from '@aws-sdk/client-kms';
import type { RedisClient } from '../repository/redis-client.js';

/** Limits of the in-memory cache of unwrapped data keys. */
export interface KmsCacheOptions {
  /**
   * How long a data key seals new values and stays in memory after it was
   * generated or unwrapped, in milliseconds. Default: 3,600,000 (one hour).
   */
  readonly maxAgeMs?: number;
  /**
   * Values one data key seals before a new data key is generated. Default:
   * 2^24 (16,777,216); at most 2^32, the AES-GCM limit for random 96-bit nonces.
   */
  readonly maxUses?: number;
  /**
   * Unwrapped data keys kept in memory; beyond it the least recently used one
   * is zeroed and dropped (the sealing key never is). Default: 1,000.
   */
  readonly maxKeys?: number;
  /**
   * How long a key that left the cache (expired or dropped for room) stays
   * intact for operations that already hold it, before its bytes are zeroed,
   * in milliseconds. It is never handed out again meanwhile. Default: 10,000.
   */
  readonly evictionGraceMs?: number;
}

/** How to reach AWS KMS. Credentials and region default to the AWS SDK's provider chain. */
export interface KmsConnectionOptions {
  /** AWS region, e.g. `eu-west-1`. Default: the SDK's chain (`AWS_REGION`, profile, ...). */
  readonly region?: string;
  /** A custom endpoint (a local emulator, a VPC endpoint). Default: the regional KMS endpoint. */
  readonly endpoint?: string;
  /** Credentials or a credential provider. Default: the SDK's default provider chain. */
  readonly credentials?: KMSClientConfig['credentials'];
  /** Attempts per KMS call, the first included (throttling and transient errors retry). Default: 3. */
  readonly maxAttempts?: number;
  /** The SDK's retry mode: `'standard'` or `'adaptive'` (client-side rate limiting). Default: `'standard'`. */
  readonly retryMode?: 'standard' | 'adaptive';
  /** Time allowed to open a connection to KMS, in milliseconds. Default: 1,000. */
  readonly connectionTimeoutMs?: number;
  /** Time allowed for one KMS request once sent, in milliseconds. Default: 3,000. */
  readonly requestTimeoutMs?: number;
  /**
   * A KMS client of your own; the ring uses it as it is and never destroys it.
   * The options above are then ignored.
   */
  readonly client?: KMSClient;
}

/** Options of {@link KmsKeyRing}, and of `EncryptedRedisModule.forRoot({ kms })`. */
export interface KmsKeyRingOptions extends KmsConnectionOptions {
  /**
   * The KMS key that wraps new data keys: key id, key ARN, alias name
   * (`alias/orders`) or alias ARN. Required.
   */
  readonly keyId: string;
  /**
   * Application name put in the encryption context of every data key (IAM
   * policies can require it). Default: `'nest-encrypted-redis'`.
   */
  readonly application?: string;
  /**
   * Name of the data-key registry, also in the encryption context. Instances
   * sharing data must use the same name. Default: `'default'`.
   */
  readonly ringName?: string;
  /** Data-key cache limits. */
  readonly cache?: KmsCacheOptions;
  /**
   * Redis holding the registry of wrapped data keys. Filled in by the module
   * with its own client; required when you build the ring yourself.
   */
  readonly redis?: RedisClient;
  /** Prefix of the registry key. Default: the module's `keyPrefix`, else `''`. */
  readonly keyPrefix?: string;
}
