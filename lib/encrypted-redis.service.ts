import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
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
import { describeEntity } from './operations/schema-descriptor.js';
import { publishEntitySchema } from './operations/schema-registry.js';
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
export class EncryptedRedisService
  implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('EncryptedRedis');
  readonly #repositories = new Map<Class, EncryptedRepository<object>>();
  readonly #tokens = new Map<string, Class>();
  readonly #keyspaces = new Map<string, Class>();
  /** Entities whose schema waits for the application to start; `undefined` once it has. */
  #unpublished: Class[] | undefined = [];
  readonly #publications: Promise<void>[] = [];

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
      const sameKeyspace = this.#keyspaces.get(repository.keyspace);
      if (sameKeyspace !== undefined && sameKeyspace !== entity) {
        throw new ConfigurationError(
          `${sameKeyspace.name} and ${entity.name} both use the keyspace "${repository.keyspace}"; ` +
            'give each entity class its own @RedisEntity name',
        );
      }
      this.#keyspaces.set(repository.keyspace, entity);
      this.#tokens.set(token, entity);
      this.#repositories.set(entity, repository);
      if (this.#unpublished === undefined) this.#startPublishing(entity);
      else this.#unpublished.push(entity);
    }
    return repository;
  }

  /** Resolves once every schema publication started so far has ended (they never reject). */
  async schemasPublished(): Promise<void> {
    await Promise.all(this.#publications);
  }

  /**
   * Publishes an entity's schema (keyspace, storage, sealed paths) to the
   * registry hash `<prefix>__ner:schema`, where `encrypted-redis status` and
   * `reencrypt` read it. Best effort: a failure is logged at warn, never thrown.
   */
  protected async publishSchema(entity: Class): Promise<void> {
    try {
      await publishEntitySchema(this.client, this.options.keyPrefix ?? '', describeEntity(entity));
    } catch (error) {
      this.logger.warn(
        `Could not publish the schema of ${entity.name} to Redis (${(error as Error).message}); ` +
          'status and reencrypt will find its sealed values by their format only.',
      );
    }
  }

  #startPublishing(entity: Class): void {
    this.#publications.push(this.publishSchema(entity));
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

  /** Publishes the schemas only once startup has succeeded, so a failed startup opens no socket. */
  onApplicationBootstrap(): void {
    const waiting = this.#unpublished ?? [];
    this.#unpublished = undefined;
    for (const entity of waiting) this.#startPublishing(entity);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.connection.owned) await closeRedisClient(this.connection.client);
    if (this.keys.owned) await this.keys.keyRing.close?.();
  }
}
