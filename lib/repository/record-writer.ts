import type { ChainableCommander } from 'ioredis';
import { ReplicationError } from '../errors/replication.error.js';
import type { ValueLocation } from '../errors/value-location.js';
import type { BlindIndexer, IndexChange } from '../indexes/blind-indexer.js';
import { VERSION_FIELD } from '../indexes/index-key-names.js';
import type { StorageKind } from '../interfaces/entity-options.interface.js';
import type { ClassSchema } from '../metadata/class-schema.js';
import type { RecordEncoder } from './record-codec.js';
import {
  CONTENDED,
  written,
  type RecordStorage,
  type ScriptedClient,
  type TtlPlan,
  type WriteMode,
} from './record-storage.js';
import { perKey, waitForReplicas, type BatchReply } from './redis-batch.js';
import type { EncryptedRedisCommands } from './redis-client.js';

/** A record ready to be written: encoded, with the index references of its fields. */
export interface PreparedRecord {
  readonly id: string;
  readonly key: string;
  readonly encoded: string | string[];
  /** `[field, reference, ...]` of every indexed field; empty when the entity has no index. */
  readonly references: readonly string[];
}

/** After each write, `WAIT` until `replicas` replicas confirm it, at most `timeoutMs`. */
export interface WaitForReplicas {
  readonly replicas: number;
  /** Default: 1000 ms. */
  readonly timeoutMs?: number;
}

/** What happened to one record of a write: written, refused (insert of an existing id), or failed. */
export type WriteOutcome = boolean | Error;

/**
 * Performs the writes of one repository: plain or indexed (entity and
 * bookkeeping in one script, then the index entries), one record or a batch,
 * and the optional replica confirmation.
 */
export class RecordWriter {
  constructor(
    private readonly client: ScriptedClient,
    private readonly storage: RecordStorage,
    private readonly kind: StorageKind,
    private readonly indexer: BlindIndexer,
    private readonly entityName: string,
    private readonly replication: Required<WaitForReplicas> | undefined,
  ) {}

  async write(
    records: readonly PreparedRecord[],
    ttl: TtlPlan,
    mode: WriteMode,
  ): Promise<WriteOutcome[]> {
    const replies: BatchReply[] =
      records.length === 1
        ? [await settle(this.send(this.client, records[0]!, ttl, mode))]
        : await perKey(
            this.client,
            records.map((record) => record.key),
            (pipeline, _key, index) => this.send(pipeline, records[index]!, ttl, mode),
          );
    const changes: IndexChange[] = [];
    const outcomes = replies.map(([error, reply], index): WriteOutcome => {
      if (error !== null) return error;
      if (!this.indexer.enabled) return written(reply);
      const [status, previousVersion, version, ...replaced] = reply as unknown[];
      if (Number(status) !== 1) return false;
      const record = records[index]!;
      changes.push(
        this.indexer.change(
          record.id,
          record.references,
          { previousVersion, version, replaced },
          true,
        ),
      );
      return true;
    });
    if (changes.length > 0) await this.indexer.apply(changes);
    if (this.replication !== undefined) {
      await this.confirmReplicated(
        records.filter((_, index) => outcomes[index] === true).map((record) => record.key),
      );
    }
    return outcomes;
  }

  /**
   * Writes the given fields of an existing record. Resolves to the stored
   * record after the change, `undefined` when absent, or CONTENDED.
   */
  async update(
    id: string,
    key: string,
    encoder: RecordEncoder,
    schema: ClassSchema,
    changes: object,
    references: readonly string[],
    at: ValueLocation,
  ): Promise<unknown> {
    const indexed =
      references.length > 0 ? { book: this.indexer.bookkeepingKey(key), references } : undefined;
    const result = await this.storage.update(
      this.client,
      key,
      encoder,
      schema,
      changes,
      at,
      indexed,
    );
    if (result === undefined || result === CONTENDED) return result;
    if (result.index !== undefined)
      await this.indexer.apply([this.indexer.change(id, references, result.index, false)]);
    await this.confirmReplicated([key]);
    return result.stored;
  }

  /** Deletes records (and their bookkeeping and index entries); resolves to how many existed. */
  async delete(ids: readonly string[], keys: readonly string[]): Promise<number> {
    let deleted = 0;
    if (!this.indexer.enabled) {
      const replies =
        keys.length === 1
          ? [await settle(this.client.del(keys[0]!))]
          : await perKey(this.client, keys, (pipeline, key) => void pipeline.del(key));
      for (const [error, reply] of replies) {
        if (error !== null) throw error;
        deleted += Number(reply);
      }
    } else {
      const replies = await perKey(
        this.client,
        keys,
        (pipeline, key) =>
          void (pipeline as unknown as EncryptedRedisCommands).nerIndexedDelete(
            key,
            this.indexer.bookkeepingKey(key),
          ),
      );
      const changes = replies.map(([error, reply], index) => {
        if (error !== null) throw error;
        const [count, ...old] = reply as unknown[];
        deleted += Number(count);
        const version = old[old.indexOf(VERSION_FIELD) + 1] ?? '0';
        return this.indexer.change(
          ids[index]!,
          [],
          { previousVersion: version, version, replaced: old },
          true,
        );
      });
      await this.indexer.apply(changes);
    }
    await this.confirmReplicated(keys);
    return deleted;
  }

  /** With `waitForReplicas`, waits until enough replicas hold the writes to `keys`. */
  async confirmReplicated(keys: readonly string[]): Promise<void> {
    if (this.replication === undefined || keys.length === 0) return;
    const { replicas, timeoutMs } = this.replication;
    const confirmed = await waitForReplicas(this.client, keys, replicas, timeoutMs);
    if (confirmed < replicas)
      throw new ReplicationError(this.entityName, confirmed, replicas, timeoutMs);
  }

  /** Sends (on the client) or queues (on a pipeline) the write of one record. */
  private send(
    target: ScriptedClient | ChainableCommander,
    record: PreparedRecord,
    ttl: TtlPlan,
    mode: WriteMode,
  ): unknown {
    if (!this.indexer.enabled)
      return this.storage.write(target, record.key, record.encoded, ttl, mode);
    const { references } = record;
    return (target as EncryptedRedisCommands).nerIndexedWrite(
      record.key,
      this.indexer.bookkeepingKey(record.key),
      this.kind,
      mode,
      String(ttl),
      String(references.length / 2),
      ...references,
      ...this.storage.payload(record.encoded),
    );
  }
}

async function settle(reply: unknown): Promise<BatchReply> {
  try {
    return [null, await reply];
  } catch (error) {
    return [error as Error, null];
  }
}
