import { recordScope } from '../crypto/associated-data.js';
import { UnsupportedValueError } from '../errors/unsupported-value.error.js';
import type { EntitySchema } from '../metadata/entity-schema.js';
import type { RecordScope } from './record-codec.js';
import type { TtlPlan } from './record-storage.js';

/** Options of `save`, `insert` and `saveMany`. */
export interface SaveOptions {
  /**
   * Time to live in seconds; `0` removes any expiry. Default: the entity's
   * `ttl`, else the key keeps the expiry it already has (none for a new key).
   */
  readonly ttl?: number;
}

/** Longest time to live accepted, in seconds (about 68 years): far inside what Redis can store. */
export const MAX_TTL_SECONDS = 2 ** 31 - 1;

/** What a write does with the key's expiry, from the options and the entity's default. */
export function ttlPlan(entity: EntitySchema, options: SaveOptions | undefined): TtlPlan {
  const ttl = options?.ttl;
  if (ttl === undefined) return entity.ttlMs ?? 'keep';
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0 || ttl > MAX_TTL_SECONDS) {
    throw new UnsupportedValueError(
      `${entity.schema.name} ttl`,
      `\`ttl\` must be a number of seconds up to ${MAX_TTL_SECONDS}, or 0 for no expiry`,
    );
  }
  return ttl === 0 ? 'none' : Math.max(1, Math.round(ttl * 1000));
}

/** The record scope (associated data of every field) of one entity id. */
export function scopeOf(entity: EntitySchema, id: string): RecordScope {
  return {
    entity: entity.schema.name,
    keyspace: entity.keyspace,
    id,
    scope: recordScope(entity.keyspace, id),
  };
}

/** Refuses changes that are not an object of properties. */
export function assertChanges(entity: EntitySchema, changes: unknown): asserts changes is object {
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) {
    throw new UnsupportedValueError(
      `${entity.schema.name}.update()`,
      'the changes must be an object of properties',
    );
  }
}

/** Resolves a value that may be a promise without a microtask when it is not. */
export async function settled<T>(value: T | Promise<T>): Promise<T> {
  return value instanceof Promise ? await value : value;
}
