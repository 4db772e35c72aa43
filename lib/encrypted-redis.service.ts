import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { getEncryptedRepositoryToken } from './common/encrypted-redis.utils.js';
import { ENCRYPTED_REDIS_MODULE_OPTIONS } from './encrypted-redis.module-definition.js';
import {
  ENCRYPTED_REDIS_CONNECTION,
  ENCRYPTED_REDIS_OWNED_KEY_RING,
} from './encrypted-redis.internal-constants.js';
import { ConfigurationError } from './errors/configuration.error.js';
import type { EncryptedRedisModuleOptions } from './interfaces/encrypted-redis-options.interface.js';
import type { KeyRing } from './keys/key-ring.interface.js';
import type { Class } from './metadata/declared-type.js';
import { closeRedisClient, type RedisConnectionHandle } from './redis/create-redis-client.js';
import { EncryptedRepository } from './repository/encrypted-repository.js';
import type { RedisClient } from './repository/redis-client.js';

/** A key ring and whether the module created it (and so must close it). */
export interface KeyRingHandle {
  readonly keyRing: KeyRing;
  readonly owned: boolean;
}

/**
 * The module's shared state: the Redis client, the key ring and one
 * repository per entity class. Closes what it opened on shutdown.
 */
@Injectable()
export class EncryptedRedisService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('EncryptedRedis');
  readonly #repositories = new Map<Class, EncryptedRepository<object>>();
  readonly #tokens = new Map<string, Class>();

  constructor(
    @Inject(ENCRYPTED_REDIS_CONNECTION) private readonly connection: RedisConnectionHandle,
    @Inject(ENCRYPTED_REDIS_OWNED_KEY_RING) private readonly keys: KeyRingHandle,
    @Inject(ENCRYPTED_REDIS_MODULE_OPTIONS) private readonly options: EncryptedRedisModuleOptions,
  ) {}

  get client(): RedisClient {
    return this.connection.client;
  }

  get keyRing(): KeyRing {
    return this.keys.keyRing;
  }

  /** The repository of an entity class, created (and its class validated) on first request. */
  getRepository<T extends object>(entity: Class<T>): EncryptedRepository<T> {
    let repository = this.#repositories.get(entity) as EncryptedRepository<T> | undefined;
    if (repository === undefined) {
      const token = getEncryptedRepositoryToken(entity);
      const other = this.#tokens.get(token);
      if (other !== undefined && other !== entity) {
        throw new ConfigurationError(
          `two different entity classes are named ${entity.name}; rename one so that their repository tokens differ`,
        );
      }
      repository = new EncryptedRepository(entity, {
        client: this.client,
        keyRing: this.keyRing,
        keyPrefix: this.options.keyPrefix ?? '',
        legacyPlaintext: this.options.legacyPlaintext ?? 'reject',
        ...(this.options.waitForReplicas ? { waitForReplicas: this.options.waitForReplicas } : {}),
      });
      this.#tokens.set(token, entity);
      this.#repositories.set(entity, repository);
    }
    return repository;
  }

  onModuleInit(): void {
    const keys = this.keyRing.describe();
    const primary = keys.find((key) => key.state === 'primary')?.id ?? 'none yet';
    const count = (state: string) => keys.filter((key) => key.state === state).length;
    this.logger.log(
      `Key ring ready: primary key "${primary}", ${count('decrypt-only')} decrypt-only, ${count('retired')} retired`,
    );
    if (this.options.legacyPlaintext === 'read') {
      this.logger.warn(
        "legacyPlaintext is 'read': clear values found in sealed fields are returned as data. " +
          'Seal them with `encrypted-redis reencrypt --adopt-plaintext`, then remove this option.',
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.connection.owned) await closeRedisClient(this.connection.client);
    if (this.keys.owned) await this.keys.keyRing.close?.();
  }
}
