import type { ChainableCommander } from 'ioredis';
import { perKey } from '../repository/redis-batch.js';
import {
  installScripts,
  pairsToRecord,
  type EncryptedRedisCommands,
  type RedisClient,
} from '../repository/redis-client.js';

/** What one entity key held when it was read. */
export type StoredRecord =
  | { readonly kind: 'hash'; readonly fields: Record<string, string> }
  | { readonly kind: 'string'; readonly text: string }
  /** Deleted or expired since the scan returned it. */
  | { readonly kind: 'missing' }
  /** A list, set or other type that no entity uses. */
  | { readonly kind: 'other'; readonly type: string };

/** A change to one record, applied only if what was read is still there. */
export type RecordChange =
  | {
      readonly kind: 'hash';
      /** Per changed field: name, the text read, the text to write. */
      readonly fields: readonly (readonly [string, string, string])[];
    }
  | { readonly kind: 'string'; readonly expected: string; readonly next: string };

/** Result of one compare-and-set: written, or left alone because the record changed. */
export type SwapResult = 'written' | 'changed';

interface OperationCommands extends EncryptedRedisCommands {
  nerReadRecord(key: string): Promise<[string, unknown?]>;
  nerSwapHashFields(key: string, ...triples: string[]): Promise<number>;
}

type OperationClient = RedisClient & OperationCommands;
type OperationPipeline = ChainableCommander & OperationCommands;

/** Type and content of a key in one step, so that a key is never read as the wrong type. */
const READ_RECORD = `
local kind = redis.call('TYPE', KEYS[1]).ok
if kind == 'hash' then return {kind, redis.call('HGETALL', KEYS[1])} end
if kind == 'string' then return {kind, redis.call('GET', KEYS[1])} end
return {kind}`;

/**
 * Sets hash fields only if every one of them still holds the text that was
 * read. ARGV: field, expected, next, repeated. HSET leaves the key's expiry
 * alone, and an expired or deleted key fails the check, so it is never
 * brought back.
 */
const SWAP_HASH_FIELDS = `
for i = 1, #ARGV, 3 do
  if redis.call('HGET', KEYS[1], ARGV[i]) ~= ARGV[i + 1] then return 0 end
end
for i = 1, #ARGV, 3 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
end
return 1`;

const installed = new WeakSet<RedisClient>();

/** Defines the scripts the operations use on the client (EVALSHA, with EVAL fallback). */
export function installOperationScripts(client: RedisClient): OperationClient {
  if (!installed.has(client)) {
    installScripts(client);
    client.defineCommand('nerReadRecord', { numberOfKeys: 1, lua: READ_RECORD });
    client.defineCommand('nerSwapHashFields', { numberOfKeys: 1, lua: SWAP_HASH_FIELDS });
    installed.add(client);
  }
  return client as OperationClient;
}

function toRecord(reply: unknown): StoredRecord {
  const [kind, content] = reply as [string, unknown];
  if (kind === 'hash') return { kind, fields: pairsToRecord(content as string[]) };
  if (kind === 'string') return { kind, text: content as string };
  if (kind === 'none') return { kind: 'missing' };
  return { kind: 'other', type: kind };
}

/** What a key is expected to hold: the storage its keyspace's schema names, if known. */
export type StorageHint = 'hash' | 'string' | undefined;

function hinted(kind: 'hash' | 'string', reply: unknown): StoredRecord {
  if (kind === 'string')
    return reply === null ? { kind: 'missing' } : { kind, text: reply as string };
  const fields = reply as Record<string, string>;
  return Object.keys(fields).length === 0 ? { kind: 'missing' } : { kind, fields };
}

/**
 * Reads several keys in one round trip (one per key on a Cluster); an error
 * stands for its key. A key with a storage hint is read with plain GET or
 * HGETALL; any other key, or one that turns out to be of another type, with
 * a script that returns its type and content together.
 */
export async function readRecords(
  client: RedisClient,
  keys: readonly string[],
  hints?: readonly StorageHint[],
): Promise<(StoredRecord | Error)[]> {
  const scripted = installOperationScripts(client);
  const replies = await perKey(scripted, keys, (pipeline, key, index) => {
    const hint = hints?.[index];
    if (hint === 'hash') void pipeline.hgetall(key);
    else if (hint === 'string') void pipeline.get(key);
    else void (pipeline as OperationPipeline).nerReadRecord(key);
  });
  const out = replies.map(([error, reply], index): StoredRecord | Error => {
    const hint = hints?.[index];
    if (error !== null) return error;
    return hint === undefined ? toRecord(reply) : hinted(hint, reply);
  });
  const mistyped = out.flatMap((result, index) =>
    result instanceof Error && /WRONGTYPE/.test(result.message) ? [index] : [],
  );
  if (mistyped.length > 0) {
    const again = await readRecords(
      client,
      mistyped.map((index) => keys[index]!),
    );
    mistyped.forEach((index, position) => (out[index] = again[position]!));
  }
  return out;
}

/** Applies several changes in one round trip, each one atomic on its own key. */
export async function swapRecords(
  client: RedisClient,
  changes: readonly { readonly key: string; readonly change: RecordChange }[],
): Promise<(SwapResult | Error)[]> {
  const scripted = installOperationScripts(client);
  const replies = await perKey(
    scripted,
    changes.map((item) => item.key),
    (pipeline, key, index) => {
      const { change } = changes[index]!;
      const target = pipeline as OperationPipeline;
      if (change.kind === 'string') {
        void target.nerCompareAndSet(key, change.expected, change.next);
      } else {
        void target.nerSwapHashFields(key, ...change.fields.flat());
      }
    },
  );
  return replies.map(([error, reply]) => error ?? (reply === 1 ? 'written' : 'changed'));
}
