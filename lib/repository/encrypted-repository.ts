import { BatchOperationError, type BatchFailure } from '../errors/batch-operation.error.js';
import { ConcurrentModificationError } from '../errors/concurrent-modification.error.js';
import { ConfigurationError } from '../errors/configuration.error.js';
import { EntityExistsError } from '../errors/entity-exists.error.js';
import { EntityNotFoundError } from '../errors/entity-not-found.error.js';
import { InvalidIdError } from '../errors/invalid-id.error.js';
import { NotIndexedError } from '../errors/not-indexed.error.js';
import { UnsupportedValueError } from '../errors/unsupported-value.error.js';
import { sameIndexedValue } from '../indexes/blind-index-token.js';
import { BlindIndexer } from '../indexes/blind-indexer.js';
import type { DataKey } from '../keys/data-key.js';
import type { IndexKeys, KeyRing } from '../keys/key-ring.interface.js';
import type { Class } from '../metadata/declared-type.js';
import { entitySchemaOf, type EntitySchema } from '../metadata/entity-schema.js';
import { HashStorage } from './hash-storage.js';
import { JsonStorage, UPDATE_ATTEMPTS } from './json-storage.js';
import { OperationKeys } from './operation-keys.js';
import { RecordEncoder, type LegacyPlaintextPolicy } from './record-codec.js';
import { RecordReader } from './record-reader.js';
import { CONTENDED, type RecordStorage, type WriteMode } from './record-storage.js';
import { RecordWriter, type PreparedRecord, type WaitForReplicas } from './record-writer.js';
import { installScripts, type RedisClient } from './redis-client.js';
import { entityKey, normalizeId, type EntityId } from './redis-keys.js';
import { assertChanges, scopeOf, settled, ttlPlan, type SaveOptions } from './repository-steps.js';

export type { SaveOptions } from './repository-steps.js';

type WriteKeys = [DataKey, IndexKeys | undefined];
export type { WaitForReplicas } from './record-writer.js';

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

/**
 * Reads and writes one entity class in Redis, sealing its `@Encrypted`
 * fields on every write path, opening them on every read, and keeping its
 * blind indexes in step.
 */
export class EncryptedRepository<T extends object> {
  readonly entity: EntitySchema<T>;
  protected readonly client: RedisClient;
  protected readonly storage: RecordStorage;
  protected readonly keyRing: KeyRing;
  protected readonly keyPrefix: string;
  protected readonly legacyPlaintext: LegacyPlaintextPolicy;
  protected readonly indexer: BlindIndexer;
  protected readonly writer: RecordWriter;
  protected readonly reader: RecordReader<T>;

  constructor(target: Class<T>, context: RepositoryContext) {
    this.entity = entitySchemaOf(target);
    const client = installScripts(context.client);
    this.client = client;
    this.keyRing = context.keyRing;
    this.keyPrefix = context.keyPrefix ?? '';
    this.legacyPlaintext = context.legacyPlaintext ?? 'reject';
    this.storage = this.entity.storage === 'json' ? new JsonStorage() : new HashStorage();
    this.indexer = BlindIndexer.of(this.entity, this.keyPrefix, client);
    if (this.indexer.enabled && typeof this.keyRing.indexKeys !== 'function') {
      throw new ConfigurationError(
        `${target.name} has blind indexes, but the key ring gives no index keys; use a key ring that implements indexKeys()`,
      );
    }
    const wait = context.waitForReplicas;
    const replication = wait && { replicas: wait.replicas, timeoutMs: wait.timeoutMs ?? 1000 };
    this.reader = new RecordReader(
      this.entity,
      client,
      this.storage,
      this.keyRing,
      this.legacyPlaintext,
    );
    this.writer = new RecordWriter(
      client,
      this.storage,
      this.entity.storage,
      this.indexer,
      target.name,
      replication,
    );
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
    await this.writeOne(entity, options, 'save');
    return entity;
  }

  /** Writes the entity only if its id is new; throws `EntityExistsError` otherwise. */
  async insert(entity: T, options?: SaveOptions): Promise<T> {
    if (!(await this.writeOne(entity, options, 'insert'))) {
      throw new EntityExistsError(this.entity.schema.name, this.idOf(entity));
    }
    return entity;
  }

  /**
   * Saves several entities in one round trip (per Cluster node). If any entity
   * cannot be sealed, nothing is written; a `BatchOperationError` names every
   * failed item.
   */
  async saveMany(entities: readonly T[], options?: SaveOptions): Promise<T[]> {
    const ttl = ttlPlan(this.entity, options);
    const [sealingKey, indexKeys] = await settled(this.writeKeys());
    const failures: BatchFailure[] = [];
    const records = entities.map((entity, index) => {
      let id: string | undefined;
      try {
        id = this.idOf(entity);
        return this.prepare(entity, id, sealingKey, indexKeys);
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
    const outcomes = await this.writer.write(records as PreparedRecord[], ttl, 'save');
    const results = outcomes.map((outcome, index) => {
      if (!(outcome instanceof Error)) return entities[index];
      failures.push({ index, id: records[index]!.id, error: outcome });
      return undefined;
    });
    if (failures.length > 0) throw new BatchOperationError<T>('saveMany', failures, results);
    return [...entities];
  }

  /** The entity with this id, or `null` when there is none (nothing is decrypted then). */
  async findById(id: EntityId): Promise<T | null> {
    const normalized = this.normalizeId(id);
    return this.reader.read(normalized, this.keyFor(normalized));
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
    const invalid: BatchFailure[] = [];
    const wanted: { index: number; id: string; key: string }[] = [];
    ids.forEach((id, index) => {
      try {
        const normalized = this.normalizeId(id);
        wanted.push({ index, id: normalized, key: this.keyFor(normalized) });
      } catch (error) {
        invalid.push({ index, error: error as Error });
      }
    });
    const { results, failures } = await this.reader.readMany(wanted, ids.length);
    failures.push(...invalid);
    if (failures.length > 0) {
      failures.sort((a, b) => a.index - b.index);
      throw new BatchOperationError<T | null>('findMany', failures, results);
    }
    return results as (T | null)[];
  }

  /**
   * Every entity whose blind-indexed `field` equals `value` (after the index's
   * normalisation), ordered by id. Candidates from the index are opened and
   * compared, so an entry left behind by an expired or changed entity is never
   * returned (and is removed). Throws `NotIndexedError` for a field without index.
   */
  async findBy<K extends keyof T & string>(field: K, value: T[K]): Promise<T[]> {
    const index = this.indexer.fields.get(field);
    if (index === undefined) throw new NotIndexedError(`${this.entity.schema.name}.${field}`);
    const candidates = await this.indexer.candidates(field, value, await this.lookupKeys());
    const ids = [...new Set(candidates.map((candidate) => candidate.id))].sort();
    const entities = await this.findMany(ids);
    const matches = new Set<string>();
    const found = entities.filter((entity, position): entity is T => {
      const hit =
        entity !== null &&
        sameIndexedValue((entity as Record<string, unknown>)[field], value, index);
      if (hit) matches.add(ids[position]!);
      return hit;
    });
    const stale = candidates.filter((candidate) => !matches.has(candidate.id));
    if (stale.length > 0) await this.indexer.removeStale(stale);
    return found;
  }

  /** The first entity (by id) whose blind-indexed `field` equals `value`, or `null`. */
  async findOneBy<K extends keyof T & string>(field: K, value: T[K]): Promise<T | null> {
    return (await this.findBy(field, value))[0] ?? null;
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
    assertChanges(this.entity, changes);
    const newId: unknown = (changes as Record<string, unknown>)[this.entity.idProperty];
    if (newId !== undefined && this.normalizeId(newId) !== normalized) {
      throw new UnsupportedValueError(
        `${name}.${this.entity.idProperty}`,
        'update() cannot change the id; save the entity under the new id and delete the old one',
      );
    }
    const [sealingKey, indexKeys] = await settled(this.writeKeys());
    const references = indexKeys ? this.indexer.references(indexKeys.current, changes, false) : [];
    const key = this.keyFor(normalized);
    const encoder = new RecordEncoder(scopeOf(this.entity, normalized), sealingKey);
    const at = { entity: name, id: normalized, field: '(record)' };
    const stored = await this.writer.update(
      normalized,
      key,
      encoder,
      this.entity.schema,
      changes,
      references,
      at,
    );
    if (stored === undefined) throw new EntityNotFoundError(name, normalized);
    if (stored === CONTENDED) {
      throw new ConcurrentModificationError(name, normalized, UPDATE_ATTEMPTS);
    }
    return this.reader.decode(normalized, stored, new OperationKeys(this.keyRing));
  }

  /** Deletes the entity; resolves to whether it existed. */
  async delete(id: EntityId): Promise<boolean> {
    return (await this.deleteMany([id])) > 0;
  }

  /** Deletes several entities; resolves to how many existed. */
  async deleteMany(ids: readonly EntityId[]): Promise<number> {
    const normalized = ids.map((id) => this.normalizeId(id));
    return this.writer.delete(
      normalized,
      normalized.map((id) => this.keyFor(id)),
    );
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

  private async writeOne(
    entity: T,
    options: SaveOptions | undefined,
    mode: WriteMode,
  ): Promise<boolean> {
    const ttl = ttlPlan(this.entity, options);
    const id = this.idOf(entity);
    const keys = this.writeKeys();
    const [sealingKey, indexKeys] = keys instanceof Promise ? await keys : keys;
    const [outcome] = await this.writer.write(
      [this.prepare(entity, id, sealingKey, indexKeys)],
      ttl,
      mode,
    );
    if (outcome instanceof Error) throw outcome;
    return outcome === true;
  }

  private prepare(
    entity: T,
    id: string,
    sealingKey: DataKey,
    indexKeys: IndexKeys | undefined,
  ): PreparedRecord {
    const encoder = new RecordEncoder(scopeOf(this.entity, id), sealingKey);
    return {
      id,
      key: this.keyFor(id),
      encoded: this.storage.encode(encoder, this.entity.schema, entity),
      references: indexKeys ? this.indexer.references(indexKeys.current, entity, true) : [],
    };
  }

  /** The key that seals, and the index keys when the entity has indexes; a promise only when a ring answers with one. */
  private writeKeys(): WriteKeys | Promise<WriteKeys> {
    const sealingKey = this.keyRing.encryptionKey();
    const indexKeys = this.indexer.enabled ? this.keyRing.indexKeys!() : undefined;
    return sealingKey instanceof Promise || indexKeys instanceof Promise
      ? Promise.all([sealingKey, indexKeys])
      : [sealingKey, indexKeys];
  }

  private lookupKeys(): Promise<IndexKeys> {
    return settled(this.keyRing.indexKeys!());
  }
}
