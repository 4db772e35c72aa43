import type { DataKey } from '../keys/data-key.js';
import type { IndexKeys } from '../keys/key-ring.interface.js';
import type { StorageKind } from '../interfaces/entity-options.interface.js';
import type { EntitySchema } from '../metadata/entity-schema.js';
import { perKey } from '../repository/redis-batch.js';
import type { EncryptedRedisCommands, RedisClient } from '../repository/redis-client.js';
import type { ResolvedBlindIndex } from './blind-index-options.js';
import type { ChainableCommander } from 'ioredis';
import { indexableBytes, tokenOfBytes } from './blind-index-token.js';
import { UnsupportedValueError } from '../errors/unsupported-value.error.js';
import { bookkeepingKey, indexEntryKey, tokenReference, VERSION_FIELD } from './index-key-names.js';

type Scripted = RedisClient & EncryptedRedisCommands;

/** What one write did to an entity's index references, for updating the index entries after it. */
export interface IndexChange {
  readonly id: string;
  /** Field → reference this write stored; fields it cleared are absent. */
  readonly written: ReadonlyMap<string, string>;
  /** Field → reference the entity held before this write, for the fields it decided. */
  readonly replaced: ReadonlyMap<string, string>;
  readonly version: string;
  readonly previousVersion: string;
}

/** A keyspace and its indexed fields, from an entity class or a published schema. */
export interface IndexedKeyspace {
  readonly keyspace: string;
  /** Entity class name, for messages; the keyspace when unknown. */
  readonly entity?: string;
  readonly storage: StorageKind;
  readonly fields: ReadonlyMap<string, ResolvedBlindIndex>;
}

/** An index entry that points at an id. */
export interface IndexCandidate {
  readonly id: string;
  readonly entryKey: string;
  readonly score: string;
}

/** Pairs `[field, value, ...]` into a map, without the version field. */
export function referenceMap(pairs: readonly unknown[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const field = String(pairs[i]);
    const reference = String(pairs[i + 1]);
    if (field !== VERSION_FIELD && reference !== '') map.set(field, reference);
  }
  return map;
}

/**
 * The blind indexes of one entity class: the tokens of its indexed fields,
 * the index entries (sorted sets of ids scored by write version) and how they
 * follow each write.
 */
export class BlindIndexer {
  readonly fields: ReadonlyMap<string, ResolvedBlindIndex>;

  constructor(
    private readonly target: IndexedKeyspace,
    private readonly keyPrefix: string,
    private readonly client: Scripted,
  ) {
    this.fields = target.fields;
  }

  /** The indexed fields of an entity class. */
  static of(entity: EntitySchema, keyPrefix: string, client: Scripted): BlindIndexer {
    const fields = new Map(
      entity.schema.indexedFieldNames.map((name) => [name, entity.schema.field(name).index!]),
    );
    return new BlindIndexer(
      { keyspace: entity.keyspace, entity: entity.schema.name, storage: entity.storage, fields },
      keyPrefix,
      client,
    );
  }

  get enabled(): boolean {
    return this.fields.size > 0;
  }

  bookkeepingKey(entityKey: string): string {
    return bookkeepingKey(entityKey);
  }

  entryKey(field: string, reference: string): string {
    return indexEntryKey(this.keyPrefix, this.target.keyspace, field, reference);
  }

  /** The reference of a value under an index key, or '' when it is not indexable (null). */
  reference(key: DataKey, field: string, value: unknown): string {
    return this.referenceOfBytes(key, field, indexableBytes(value, this.fields.get(field)!));
  }

  private referenceOfBytes(key: DataKey, field: string, bytes: Buffer | undefined): string {
    if (bytes === undefined) return '';
    const index = this.fields.get(field)!;
    return tokenReference(key.id, tokenOfBytes(key, this.target.keyspace, field, bytes, index));
  }

  /**
   * `[field, reference, ...]` for the indexed fields `values` holds (any
   * defined value; '' for one that is not indexable, such as null). With
   * `allFields`, every indexed field is listed (a whole-entity write).
   */
  references(key: DataKey, values: object, allFields: boolean): string[] {
    const pairs: string[] = [];
    for (const field of this.fields.keys()) {
      const value: unknown = (values as Record<string, unknown>)[field];
      if (value === undefined && !allFields) continue;
      const bytes = indexableBytes(value, this.fields.get(field)!);
      if (bytes === undefined && value !== undefined && value !== null) {
        throw new UnsupportedValueError(
          `${this.target.entity ?? this.target.keyspace}.${field}`,
          'a blind-indexed field holds a single value (string, number, boolean, Date, Buffer or bigint), not an object or array',
        );
      }
      pairs.push(field, this.referenceOfBytes(key, field, bytes));
    }
    return pairs;
  }

  /**
   * The change a write made, from the references it sent and the script's
   * reply. A whole-entity write or a delete (`every`) decides every field it
   * replaced; an update decides only the fields it sent.
   */
  change(
    id: string,
    sent: readonly string[],
    reply: { previousVersion: unknown; version: unknown; replaced: readonly unknown[] },
    every: boolean,
  ): IndexChange {
    const decided = new Set(sent.filter((_, i) => i % 2 === 0));
    const replaced = [...referenceMap(reply.replaced)].filter(
      ([field]) => every || decided.has(field),
    );
    return {
      id,
      written: referenceMap(sent),
      replaced: new Map(replaced),
      version: String(reply.version),
      previousVersion: String(reply.previousVersion),
    };
  }

  /**
   * Brings the index entries in line with writes that already happened: adds
   * the id to each written entry (`ZADD GT` with the write's version) and
   * removes it from each replaced one, unless a newer write put it back.
   */
  async apply(changes: readonly IndexChange[]): Promise<void> {
    const operations: { key: string; queue: (pipeline: ChainableCommander) => void }[] = [];
    for (const change of changes) {
      for (const [field, reference] of change.written) {
        const key = this.entryKey(field, reference);
        operations.push({
          key,
          queue: (pipeline) => void pipeline.zadd(key, 'GT', change.version, change.id),
        });
      }
      for (const [field, reference] of change.replaced) {
        if (change.written.get(field) === reference) continue;
        const key = this.entryKey(field, reference);
        operations.push({
          key,
          queue: (pipeline) =>
            void (pipeline as unknown as EncryptedRedisCommands).nerIndexEntryRemove(
              key,
              change.id,
              change.previousVersion,
            ),
        });
      }
    }
    const replies = await perKey(
      this.client,
      operations.map((operation) => operation.key),
      (pipeline, _key, index) => operations[index]!.queue(pipeline),
    );
    const failed = replies.find(([error]) => error !== null);
    if (failed) throw failed[0]!;
  }

  /** Every index entry that may hold an entity whose `field` equals `value`, under each lookup key. */
  async candidates(field: string, value: unknown, keys: IndexKeys): Promise<IndexCandidate[]> {
    const entryKeys = [
      ...new Set(
        keys.lookup
          .map((key) => this.reference(key, field, value))
          .filter((reference) => reference !== '')
          .map((reference) => this.entryKey(field, reference)),
      ),
    ];
    const replies = await perKey(
      this.client,
      entryKeys,
      (pipeline, key) => void pipeline.zrange(key, 0, -1, 'WITHSCORES'),
    );
    const found: IndexCandidate[] = [];
    replies.forEach(([error, reply], index) => {
      if (error !== null) throw error;
      const members = reply as string[];
      for (let i = 0; i + 1 < members.length; i += 2) {
        found.push({ id: members[i]!, entryKey: entryKeys[index]!, score: members[i + 1]! });
      }
    });
    return found;
  }

  /** Removes entries found to be stale, each only if no newer write has re-added it. */
  async removeStale(stale: readonly IndexCandidate[]): Promise<void> {
    await perKey(
      this.client,
      stale.map((entry) => entry.entryKey),
      (pipeline, key, index) =>
        void (pipeline as unknown as EncryptedRedisCommands).nerIndexEntryRemove(
          key,
          stale[index]!.id,
          stale[index]!.score,
        ),
    );
  }
}
