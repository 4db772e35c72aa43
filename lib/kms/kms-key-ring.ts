import { Logger } from '@nestjs/common';
import { ConfigurationError } from '../errors/configuration.error.js';
import { KeyConfigurationError } from '../errors/key-configuration.error.js';
import { KeyServiceError } from '../errors/key-service.error.js';
import { KeyUnavailableError } from '../errors/key-unavailable.error.js';
import { RetiredKeyError } from '../errors/retired-key.error.js';
import { UnknownKeyError } from '../errors/unknown-key.error.js';
import type { DataKey } from '../keys/data-key.js';
import type { IndexKeys, KeyDescription, KeyRing } from '../keys/key-ring.interface.js';
import { DataKeyCache } from './data-key-cache.js';
import { wrappedKeyOf } from './data-key-entry.js';
import { newDataKeyId } from './data-key-id.js';
import { DataKeyRegistry, type StoredDataKey } from './data-key-registry.js';
import { encryptionContext, type EncryptionContext } from './encryption-context.js';
import { createKmsClient, type KmsClientHandle } from './kms-client.factory.js';
import { KmsGateway } from './kms-gateway.js';
import { KmsIndexKeys } from './kms-index-keys.js';
import type { KmsKeyRingOptions } from './kms-key-ring-options.interface.js';
import { resolveKmsSettings, type KmsSettings } from './kms-settings.js';

/** Tries at a fresh id when a generated id is already registered (two ids alike: very rare). */
const REGISTER_ATTEMPTS = 3;
/** Longest pause between two sweeps of expired keys. */
const MAX_SWEEP_INTERVAL_MS = 60_000;
/** Shortest pause between two sweeps. */
const MIN_SWEEP_INTERVAL_MS = 50;

/**
 * Key ring backed by AWS KMS envelope encryption. Each instance seals with a
 * data key of its own from `GenerateDataKey`, registered (wrapped only) in a
 * Redis hash before any value carries its id; any instance opens a value by
 * finding the wrapped key there and unwrapping it with `Decrypt` once.
 * Unwrapped keys are cached within the configured limits and zeroed on eviction.
 */
export class KmsKeyRing implements KeyRing {
  private readonly logger = new Logger(KmsKeyRing.name);
  readonly settings: KmsSettings;
  readonly registry: DataKeyRegistry;
  readonly kms: KmsGateway;
  readonly #client: KmsClientHandle;
  readonly #cache: DataKeyCache;
  readonly #indexKeys: KmsIndexKeys;
  #sealing: DataKey | undefined;
  #generating: Promise<DataKey> | undefined;
  #sweeper: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: KmsKeyRingOptions) {
    this.settings = resolveKmsSettings(options);
    if (options.redis === undefined) {
      throw new ConfigurationError(
        '`kms.redis` is required when building a KmsKeyRing yourself: the Redis client holding its data-key registry',
      );
    }
    this.registry = new DataKeyRegistry(
      options.redis,
      this.settings.keyPrefix,
      this.settings.ringName,
    );
    this.#client = createKmsClient(options);
    this.kms = new KmsGateway(this.#client.client);
    this.#cache = new DataKeyCache(this.settings, (id) => id === this.#sealing?.id);
    this.#indexKeys = new KmsIndexKeys({
      registry: this.registry,
      kms: this.kms,
      kmsKeyId: this.settings.keyId,
      contextFor: (id) => this.contextFor(id),
    });
  }

  /** Blind-index keys shared by every instance (`idx.<n>` in the registry). */
  indexKeys(): IndexKeys | Promise<IndexKeys> {
    this.assertOpen();
    return this.#indexKeys.get();
  }

  /** Registers a new index key; rebuild the indexes (`encrypted-redis reencrypt`), then retire the old one. */
  rotateIndexKey(): Promise<string> {
    this.assertOpen();
    return this.#indexKeys.rotate();
  }

  /** The data key sealing new values; a new one is generated (once, however many ask) when none is usable. */
  encryptionKey(): DataKey | Promise<DataKey> {
    this.assertOpen();
    const current = this.#sealing;
    if (
      current !== undefined &&
      current.uses < this.settings.maxUses &&
      this.#cache.get(current.id) === current
    ) {
      return current;
    }
    this.#generating ??= this.generate().finally(() => {
      this.#generating = undefined;
    });
    return this.#generating;
  }

  /** The data key named in an envelope: from the cache, else the registry and one `Decrypt`. */
  decryptionKey(keyId: string): DataKey | Promise<DataKey> {
    this.assertOpen();
    return this.#cache.load(keyId, () => this.unwrap(keyId));
  }

  /** The data keys in memory: the one sealing new values is `primary`. */
  describe(): KeyDescription[] {
    return this.#cache.ids().map((id) => ({
      id,
      state: id === this.#sealing?.id ? 'primary' : 'decrypt-only',
    }));
  }

  /** Data keys change per process; what stays is the KMS key that wraps them. */
  sealingIdentity(): string {
    return `kms:${this.settings.keyId}`;
  }

  /** The id of the data key sealing new values, when there is one. */
  get sealingKeyId(): string | undefined {
    return this.#sealing?.id;
  }

  /** Makes the sealing data key now (one `GenerateDataKey`), so the first write does not wait for it. */
  async warmUp(): Promise<void> {
    await this.encryptionKey();
  }

  /** The encryption context of every KMS call about this data key. */
  contextFor(dataKeyId: string): EncryptionContext {
    return encryptionContext(this.settings.application, this.settings.ringName, dataKeyId);
  }

  /** Zeroes every cached key, stops the sweeper and destroys a KMS client the ring created. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    this.#sealing = undefined;
    this.#cache.clear();
    this.#indexKeys.close();
    if (this.#client.owned) this.#client.client.destroy();
  }

  private assertOpen(): void {
    if (this.#closed) {
      throw new KeyConfigurationError(undefined, 'the KMS key ring is closed and holds no keys');
    }
  }

  private async generate(): Promise<DataKey> {
    for (let attempt = 1; ; attempt++) {
      const id = newDataKeyId();
      const { key, wrapped } = await this.kms.generate(
        this.settings.keyId,
        id,
        this.contextFor(id),
      );
      let registered: boolean;
      try {
        registered = await this.registry.register({
          id,
          state: 'active',
          kmsKeyArn: wrapped.kmsKeyArn,
          wrapped: Buffer.from(wrapped.blob).toString('base64'),
          createdAt: new Date(),
        });
      } catch (error) {
        key.destroy();
        throw this.registryFailure(undefined, 'written', error);
      }
      if (!registered) {
        key.destroy();
        if (attempt < REGISTER_ATTEMPTS) continue;
        throw new KeyServiceError(id, `data key ids collided ${attempt} times in the registry`);
      }
      if (this.#closed) {
        key.destroy();
        this.assertOpen();
      }
      this.#sealing = key;
      this.#cache.put(key);
      this.startSweeper();
      this.logger.log(
        `Data key "${id}" generated under ${wrapped.kmsKeyArn} and registered in ${this.registry.key}`,
      );
      return key;
    }
  }

  private async unwrap(keyId: string): Promise<DataKey> {
    let stored: StoredDataKey | undefined;
    try {
      stored = await this.registry.get(keyId);
    } catch (error) {
      if (error instanceof KeyServiceError) throw error;
      throw this.registryFailure(keyId, 'read', error);
    }
    if (stored === undefined) throw new UnknownKeyError(keyId);
    const wrapped = wrappedKeyOf(stored.entry);
    if (stored.entry.state === 'retired' || wrapped === undefined) throw new RetiredKeyError(keyId);
    const key = await this.kms.unwrap(keyId, wrapped, this.contextFor(keyId));
    if (this.#closed) {
      key.destroy();
      this.assertOpen();
    }
    this.startSweeper();
    this.logger.debug(`Data key "${keyId}" unwrapped`);
    return key;
  }

  private registryFailure(keyId: string | undefined, what: string, error: unknown): Error {
    const detail = `the data-key registry in Redis could not be ${what}: ${(error as Error).message}`;
    return new KeyUnavailableError(keyId, detail, { cause: error });
  }

  private startSweeper(): void {
    if (this.#sweeper !== undefined || this.#closed) return;
    const { maxAgeMs, evictionGraceMs } = this.settings;
    const every = Math.max(
      MIN_SWEEP_INTERVAL_MS,
      Math.min(maxAgeMs, evictionGraceMs || maxAgeMs, MAX_SWEEP_INTERVAL_MS),
    );
    this.#sweeper = setInterval(() => {
      const zeroed = this.#cache.sweep();
      if (zeroed > 0) this.logger.debug(`${zeroed} evicted data key(s) zeroed`);
    }, every);
    this.#sweeper.unref();
  }
}
