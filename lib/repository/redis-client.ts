import {
  INDEX_ENTRY_REMOVE,
  INDEX_REFRESH,
  INDEXED_COMPARE_AND_SET,
  INDEXED_DELETE,
  INDEXED_HASH_UPDATE,
  INDEXED_WRITE,
} from '../indexes/index-scripts.js';
import type { Cluster, Redis } from 'ioredis';

/** A single-node (or Sentinel) client, or a Cluster client. */
export type RedisClient = Redis | Cluster;

/** Commands added to the client by {@link installScripts}. */
export interface EncryptedRedisCommands {
  nerHashWrite(
    key: string,
    mode: 'save' | 'insert',
    ttl: string,
    ...fields: string[]
  ): Promise<number>;
  nerHashUpdate(key: string, ...fields: string[]): Promise<string[] | null>;
  nerCompareAndSet(key: string, expected: string, next: string): Promise<number>;
  nerIndexedWrite(key: string, book: string, ...args: string[]): Promise<string[]>;
  nerIndexedHashUpdate(
    key: string,
    book: string,
    ...args: string[]
  ): Promise<[string[], [string, string], string[]] | null>;
  nerIndexedCompareAndSet(key: string, book: string, ...args: string[]): Promise<string[]>;
  nerIndexedDelete(key: string, book: string): Promise<(number | string)[]>;
  nerIndexEntryRemove(entry: string, id: string, version: string): Promise<number>;
  nerIndexRefresh(key: string, book: string, ...args: string[]): Promise<string[]>;
}

const HSET_IN_CHUNKS = (firstArg: number) => `
for i = ${firstArg}, #ARGV, 256 do
  redis.call('HSET', key, unpack(ARGV, i, math.min(i + 255, #ARGV)))
end`;

/**
 * Replaces a hash in one step. ARGV: mode ('save' | 'insert'), ttl ('keep',
 * 'none' or milliseconds), then field/value pairs. 'keep' carries the
 * remaining time to live over to the new content. Returns 0 when an insert
 * finds the key already there.
 */
const HASH_WRITE = `
local key = KEYS[1]
if ARGV[1] == 'insert' and redis.call('EXISTS', key) == 1 then return 0 end
local ttl = ARGV[2]
local remaining = -1
if ttl == 'keep' then remaining = redis.call('PTTL', key) end
redis.call('DEL', key)
${HSET_IN_CHUNKS(3)}
if ttl == 'keep' then
  if remaining > 0 then redis.call('PEXPIRE', key, remaining) end
elseif ttl ~= 'none' then
  redis.call('PEXPIRE', key, ttl)
end
return 1`;

/** Sets fields of an existing hash (its expiry untouched) and returns all of it; nil when absent. */
const HASH_UPDATE = `
local key = KEYS[1]
if redis.call('EXISTS', key) == 0 then return false end
${HSET_IN_CHUNKS(1)}
return redis.call('HGETALL', key)`;

/** Replaces a string value only if it still holds what the caller read; keeps its expiry. */
const COMPARE_AND_SET = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1`;

/** Each script with the number of keys it takes. */
const SCRIPTS: Record<keyof EncryptedRedisCommands, readonly [lua: string, keys: number]> = {
  nerHashWrite: [HASH_WRITE, 1],
  nerHashUpdate: [HASH_UPDATE, 1],
  nerCompareAndSet: [COMPARE_AND_SET, 1],
  nerIndexedWrite: [INDEXED_WRITE, 2],
  nerIndexedHashUpdate: [INDEXED_HASH_UPDATE, 2],
  nerIndexedCompareAndSet: [INDEXED_COMPARE_AND_SET, 2],
  nerIndexedDelete: [INDEXED_DELETE, 2],
  nerIndexEntryRemove: [INDEX_ENTRY_REMOVE, 1],
  nerIndexRefresh: [INDEX_REFRESH, 2],
};

/** Defines the library's Lua commands on the client (EVALSHA with EVAL fallback, pipelines too). */
export function installScripts(client: RedisClient): RedisClient & EncryptedRedisCommands {
  for (const [name, [lua, numberOfKeys]] of Object.entries(SCRIPTS)) {
    client.defineCommand(name, { numberOfKeys, lua });
  }
  return client as RedisClient & EncryptedRedisCommands;
}

/** Pairs a flat `[field, value, ...]` reply into an object. */
export function pairsToRecord(flat: readonly string[]): Record<string, string> {
  const record: Record<string, string> = Object.create(null) as Record<string, string>;
  for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i]!] = flat[i + 1]!;
  return record;
}

/** Whether the client talks to a Redis Cluster. */
export function isCluster(client: RedisClient): client is Cluster {
  return (client as { isCluster?: boolean }).isCluster === true;
}
