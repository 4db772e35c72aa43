import type { ChainableCommander } from 'ioredis';
import type { ValueLocation } from '../errors/value-location.js';
import type { ClassSchema } from '../metadata/class-schema.js';
import type { RecordDecoder, RecordEncoder } from './record-codec.js';
import type { EncryptedRedisCommands, RedisClient } from './redis-client.js';

/** What a write does with the key's expiry: keep it, remove it, or set it (milliseconds). */
export type TtlPlan = 'keep' | 'none' | number;

export type WriteMode = 'save' | 'insert';

export type ScriptedClient = RedisClient & EncryptedRedisCommands;

/** A client (commands return promises) or a pipeline (commands are queued). */
export type CommandTarget = ChainableCommander | RedisClient;

/** How one storage layout ('hash' or 'json') reads and writes records. */
export interface RecordStorage {
  /** Encodes a whole entity, sealing its sealed fields. Throws before anything is written. */
  encode(encoder: RecordEncoder, schema: ClassSchema, entity: object): string | string[];
  /**
   * Sends (on a client) or queues (on a pipeline) the write of an encoded
   * record; its reply is 1 or 'OK' when written, 0 or null when not.
   */
  write(
    target: CommandTarget,
    key: string,
    encoded: string | string[],
    ttl: TtlPlan,
    mode: WriteMode,
  ): unknown;
  /** Sends or queues the read of one record. */
  read(target: CommandTarget, key: string): unknown;
  /** The stored form from a read reply, or `undefined` when the record does not exist. */
  fromReply(reply: unknown): unknown;
  /** Rebuilds an entity, opening its sealed fields. */
  decode(decoder: RecordDecoder, schema: ClassSchema, stored: unknown): object;
  /**
   * Writes some fields of an existing record, keeping its expiry, and returns
   * the whole stored record after the change, or `undefined` if it does not
   * exist. With `indexed`, the record's bookkeeping takes the references in the
   * same atomic step and the result says what they replaced.
   */
  update(
    client: ScriptedClient,
    key: string,
    encoder: RecordEncoder,
    schema: ClassSchema,
    changes: object,
    at: ValueLocation,
    indexed?: IndexedUpdate,
  ): Promise<UpdateResult | undefined | typeof CONTENDED>;
  /** The arguments that carry an encoded record in the indexed write script. */
  payload(encoded: string | string[]): string[];
}

/** Index references written together with an update. */
export interface IndexedUpdate {
  /** The entity's bookkeeping key. */
  readonly book: string;
  /** `[field, reference, ...]`; '' clears a field's reference. */
  readonly references: readonly string[];
}

/** What an indexed script reports about the references it replaced. */
export interface IndexReply {
  readonly previousVersion: unknown;
  readonly version: unknown;
  readonly replaced: readonly unknown[];
}

/** The stored record after an update, and what its index references replaced. */
export interface UpdateResult {
  readonly stored: unknown;
  readonly index?: IndexReply;
}

/** Marker returned by `update` when every compare-and-set attempt lost a race. */
export const CONTENDED = Symbol('contended');

/** Whether a write reply says the record was written. */
export function written(reply: unknown): boolean {
  return reply === 1 || reply === 'OK';
}
