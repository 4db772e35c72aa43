import { recordScope } from '../crypto/associated-data.js';
import { BatchOperationError, type BatchFailure } from '../errors/batch-operation.error.js';
import { ConcurrentModificationError } from '../errors/concurrent-modification.error.js';
import { EntityExistsError } from '../errors/entity-exists.error.js';
import { EntityNotFoundError } from '../errors/entity-not-found.error.js';
import { InvalidIdError } from '../errors/invalid-id.error.js';
import { ReplicationError } from '../errors/replication.error.js';
import { UnsupportedValueError } from '../errors/unsupported-value.error.js';
import type { DataKey } from '../keys/data-key.js';
import type { KeyRing } from '../keys/key-ring.interface.js';
import type { Class } from '../metadata/declared-type.js';
import { entitySchemaOf, type EntitySchema } from '../metadata/entity-schema.js';
import { HashStorage } from './hash-storage.js';
import { CONTENDED, JsonStorage } from './json-storage.js';
import { OperationKeys } from './operation-keys.js';
import { perKey, waitForReplicas } from './redis-batch.js';
import { installScripts, type RedisClient } from './redis-client.js';
import { entityKey, normalizeId, type EntityId } from './redis-keys.js';
import {
  RecordDecoder,
  RecordEncoder,
  type LegacyPlaintextPolicy,
  type RecordScope,
} from './record-codec.js';
import {
  written,
  type RecordStorage,
  type ScriptedClient,
  type TtlPlan,
  type WriteMode,
} from './record-storage.js';

/** Options of `save`, `insert` and `saveMany`. */
export interface SaveOptions {
  /**
   * Time to live in seconds; `0` removes any expiry. Default: the entity's
   * `ttl`, else the key keeps the expiry it already has (none for a new key).
   */
  readonly ttl?: number;
}

/** What a repository needs from the module (or from you, outside Nest). */
export interface RepositoryContext {
  readonly client: RedisClient;
  readonly keyRing: KeyRing;
  /** Prefix of every key. Default: `''`. */
  readonly keyPrefix?: string;
  /** Clear values in sealed fields: `'reject'` (default) raises `NotEncryptedError`. */
  readonly legacyPlaintext?: LegacyPlaintextPolicy;
  /** Write concern: wait after every write until this many replicas hold it. Default: none. */
  readonly waitForReplicas?: WaitForReplicas;
}

/** After each write, `WAIT` until `replicas` replicas confirm it, at most `timeoutMs`. */
export interface WaitForReplicas {
  readonly replicas: number;
  /** Default: 1000 ms. */
  readonly timeoutMs?: number;
}

/**
 * Reads and writes one entity class in Redis, sealing its `@Encrypted`
 * fields on every write path and opening them on every read.
 */
export class EncryptedRepository<T extends object> {
  readonly entity: EntitySchema<T>;
  protected readonly client: ScriptedClient;
  protected readonly storage: RecordStorage;
  protected readonly keyRing: KeyRing;
  protected readonly keyPrefix: string;
  protected readonly legacyPlaintext: LegacyPlaintextPolicy;
  protected readonly replication: Required<WaitForReplicas> | undefined;

  constructor(target: Class<T>, context: RepositoryContext) {
    this.entity = entitySchemaOf(target);
    this.client = installScripts(context.client);
    this.keyRing = context.keyRing;
    this.keyPrefix = context.keyPrefix ?? '';
    this.legacyPlaintext = context.legacyPlaintext ?? 'reject';
    const wait = context.waitForReplicas;
    this.replication = wait && { replicas: wait.replicas, timeoutMs: wait.timeoutMs ?? 1000 };
    this.storage = this.entity.storage === 'json' ? new JsonStorage() : new HashStorage();
  }

  /** The entity class. */
  get target(): Class<T> {
    return this.entity.schema.cls;
  }

  /** The logical keyspace given to `@RedisEntity`. */
  get keyspace(): string {
    return this.entity.keyspace;
  }

  /** The Redis key that holds the entity with this id. */
  keyOf(id: EntityId): string {
    return this.keyFor(this.normalizeId(id));
  }

  /** Writes the entity, replacing any stored version. Resolves to the entity given. */
  async save(entity: T, options?: SaveOptions): Promise<T> {
    await this.write(entity, options, 'save');
    return entity;
  }

  /** Writes the entity only if its id is new; throws `EntityExistsError` otherwise. */
  async insert(entity: T, options?: SaveOptions): Promise<T> {
    if (!(await this.write(entity, options, 'insert'))) {
      throw new EntityExistsError(this.entity.schema.name, this.idOf(entity));
    }
    return entity;
  }

  /**
   * Saves several entities in one round trip. If any entity cannot be sealed,
   * nothing is written; a `BatchOperationError` names every failed item.
   */
  async saveMany(entities: readonly T[], options?: SaveOptions): Promise<T[]> {
    const ttl = this.ttlPlan(options);
    const key = await this.sealingKey();
    const failures: BatchFailure[] = [];
    const prepared = entities.map((entity, index) => {
      let id: string | undefined;
      try {
        id = this.idOf(entity);
        return {
          id,
          encoded: this.storage.encode(this.encoder(id, key), this.entity.schema, entity),
        };
      } catch (error) {
        failures.push({ index, ...(id === undefined ? {} : { id }), error: error as Error });
        return undefined;
      }
    });
    if (failures.length > 0) {
      throw new BatchOperationError<T>(
        'saveMany',
        failures,
        entities.map(() => undefined),
      );
    }
    const items = prepared as { id: string; encoded: string | string[] }[];
    const replies = await perKey(
      this.client,
      items.map((item) => this.keyFor(item.id)),
      (pipeline, redisKey, index) =>
        this.storage.write(pipeline, redisKey, items[index]!.encoded, ttl, 'save'),
    );
    const results = replies.map(([error], index) => {
      if (error === null) return entities[index];
      failures.push({ index, id: items[index]!.id, error });
      return undefined;
    });
    if (failures.length > 0) throw new BatchOperationError<T>('saveMany', failures, results);
    await this.confirmReplicated(items.map((item) => this.keyFor(item.id)));
    return [...entities];
  }

  /** The entity with this id, or `null` when there is none (nothing is decrypted then). */
  async findById(id: EntityId): Promise<T | null> {
    const normalized = this.normalizeId(id);
    const stored = this.storage.fromReply(
      await this.storage.read(this.client, this.keyFor(normalized)),
    );
    return stored === undefined
      ? null
      : this.decode(normalized, stored, new OperationKeys(this.keyRing));
  }

  /** The entity with this id; throws `EntityNotFoundError` when there is none. */
  async findByIdOrFail(id: EntityId): Promise<T> {
    const entity = await this.findById(id);
    if (entity === null)
      throw new EntityNotFoundError(this.entity.schema.name, this.normalizeId(id));
    return entity;
  }

  /**
   * The entities with these ids, in the same order, `null` where missing, in
   * one round trip. If any item fails (bad id, value that does not open), a
   * `BatchOperationError` names each failure and carries the other results.
   */
  async findMany(ids: readonly EntityId[]): Promise<(T | null)[]> {
    const failures: BatchFailure[] = [];
    const wanted: { index: number; id: string }[] = [];
    ids.forEach((id, index) => {
      try {
        wanted.push({ index, id: this.normalizeId(id) });
      } catch (error) {
        failures.push({ index, error: error as Error });
      }
    });
    const replies = await perKey(
      this.client,
      wanted.map((item) => this.keyFor(item.id)),
      (pipeline, key) => this.storage.read(pipeline, key),
    );
    const results: (T | null | undefined)[] = ids.map(() => undefined);
    const keys = new OperationKeys(this.keyRing);
    for (const [position, [error, reply]] of replies.entries()) {
      const { index, id } = wanted[position]!;
      try {
        if (error !== null) throw error;
        const stored = this.storage.fromReply(reply);
        results[index] = stored === undefined ? null : await this.decode(id, stored, keys);
      } catch (failure) {
        failures.push({ index, id, error: failure as Error });
      }
    }
    if (failures.length > 0) {
      throw new BatchOperationError<T | null>(
        'findMany',
        failures.sort((a, b) => a.index - b.index),
        results,
      );
    }
    return results as (T | null)[];
  }

  /**
   * Changes some properties of a stored entity, sealing only what changed and
   * keeping its expiry. Properties set to `undefined` are left as they are.
   * Resolves to the whole entity after the change; throws
   * `EntityNotFoundError` when the id does not exist.
   */
  async update(id: EntityId, changes: Partial<T>): Promise<T> {
    const normalized = this.normalizeId(id);
    const name = this.entity.schema.name;
    if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) {
      throw new UnsupportedValueError(
        `${name}.update()`,
        'the changes must be an object of properties',
      );
    }
    const newId: unknown = (changes as Record<string, unknown>)[this.entity.idProperty];
    if (newId !== undefined && this.normalizeId(newId) !== normalized) {
      throw new UnsupportedValueError(
        `${name}.${this.entity.idProperty}`,
        'update() cannot change the id; save the entity under the new id and delete the old one',
      );
    }
    const encoder = this.encoder(normalized, await this.sealingKey());
    const stored = await this.storage.update(
      this.client,
      this.keyFor(normalized),
      encoder,
      this.entity.schema,
      changes,
      {
        entity: name,
        id: normalized,
        field: '(record)',
      },
    );
    if (stored === undefined) throw new EntityNotFoundError(name, normalized);
    if (stored === CONTENDED) throw new ConcurrentModificationError(name, normalized, 10);
    await this.confirmReplicated([this.keyFor(normalized)]);
    return this.decode(normalized, stored, new OperationKeys(this.keyRing));
  }

  /** Deletes the entity; resolves to whether it existed. */
  async delete(id: EntityId): Promise<boolean> {
    const key = this.keyOf(id);
    const existed = (await this.client.del(key)) > 0;
    await this.confirmReplicated([key]);
    return existed;
  }

  /** Deletes several entities; resolves to how many existed. */
  async deleteMany(ids: readonly EntityId[]): Promise<number> {
    const keys = ids.map((id) => this.keyOf(id));
    const replies = await perKey(this.client, keys, (pipeline, key) => pipeline.del(key));
    const deleted = replies.reduce((count, [error, reply]) => {
      if (error !== null) throw error;
      return count + Number(reply);
    }, 0);
    await this.confirmReplicated(keys);
    return deleted;
  }

  /** Whether an entity with this id exists. */
  async exists(id: EntityId): Promise<boolean> {
    return (await this.client.exists(this.keyOf(id))) === 1;
  }

  /** The Redis key of an already validated id. Override to change the layout of keys. */
  protected keyFor(id: string): string {
    return entityKey(this.keyPrefix, this.entity.keyspace, id);
  }

  protected normalizeId(id: unknown): string {
    return normalizeId(this.entity.schema.name, id);
  }

  protected idOf(entity: T): string {
    if (typeof entity !== 'object' || entity === null) {
      throw new InvalidIdError(this.entity.schema.name, 'the value to save is not an object');
    }
    const id: unknown = (entity as Record<string, unknown>)[this.entity.idProperty];
    if (id === undefined) {
      throw new InvalidIdError(
        this.entity.schema.name,
        `"${this.entity.idProperty}" is not set; set it before saving`,
      );
    }
    return this.normalizeId(id);
  }

  private async write(
    entity: T,
    options: SaveOptions | undefined,
    mode: WriteMode,
  ): Promise<boolean> {
    const ttl = this.ttlPlan(options);
    const id = this.idOf(entity);
    const sealingKey = this.sealingKey();
    const encoded = this.storage.encode(
      this.encoder(id, sealingKey instanceof Promise ? await sealingKey : sealingKey),
      this.entity.schema,
      entity,
    );
    const key = this.keyFor(id);
    const done = written(await this.storage.write(this.client, key, encoded, ttl, mode));
    if (done) await this.confirmReplicated([key]);
    return done;
  }

  /** With `waitForReplicas`, waits until enough replicas hold the writes to `keys`. */
  protected async confirmReplicated(keys: readonly string[]): Promise<void> {
    if (this.replication === undefined || keys.length === 0) return;
    const { replicas, timeoutMs } = this.replication;
    const confirmed = await waitForReplicas(this.client, keys, replicas, timeoutMs);
    if (confirmed < replicas) {
      throw new ReplicationError(this.entity.schema.name, confirmed, replicas, timeoutMs);
    }
  }

  private decode(id: string, stored: unknown, keys: OperationKeys): T | Promise<T> {
    const decoder = (operationKeys: OperationKeys) =>
      new RecordDecoder(this.scope(id), operationKeys, this.legacyPlaintext);
    const entity = keys.run(
      (operationKeys) =>
        this.storage.decode(decoder(operationKeys), this.entity.schema, stored) as T,
    );
    return entity instanceof Promise
      ? entity.then((done) => this.withId(done, id))
      : this.withId(entity, id);
  }

  private withId(entity: T, id: string): T {
    const record = entity as Record<string, unknown>;
    if (record[this.entity.idProperty] === undefined) record[this.entity.idProperty] = id;
    return entity;
  }

  private encoder(id: string, key: DataKey): RecordEncoder {
    return new RecordEncoder(this.scope(id), key);
  }

  private scope(id: string): RecordScope {
    return {
      entity: this.entity.schema.name,
      keyspace: this.entity.keyspace,
      id,
      scope: recordScope(this.entity.keyspace, id),
    };
  }

  private sealingKey(): DataKey | Promise<DataKey> {
    return this.keyRing.encryptionKey();
  }

  private ttlPlan(options: SaveOptions | undefined): TtlPlan {
    const ttl = options?.ttl;
    if (ttl === undefined) return this.entity.ttlMs ?? 'keep';
    if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0) {
      throw new UnsupportedValueError(
        `${this.entity.schema.name} ttl`,
        '`ttl` must be a number of seconds, or 0 for no expiry',
      );
    }
    return ttl === 0 ? 'none' : Math.max(1, Math.round(ttl * 1000));
  }
}
