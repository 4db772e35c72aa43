import type { RedisClient } from '../repository/redis-client.js';
import { formatEntry, parseEntry, type DataKeyEntry } from './data-key-entry.js';

/** Replaces one hash field only if it still holds what the caller read. */
const REPLACE_FIELD = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1`;

/** An entry together with the exact text it was read from, for compare-and-set updates. */
export interface StoredDataKey {
  readonly entry: DataKeyEntry;
  readonly text: string;
}

/**
 * The wrapped data keys of one key ring, in a Redis hash
 * `<prefix>__ner:kms:<ring name>` (entity keyspaces cannot start with `__`):
 * one field per data key id, its value a JSON entry. Wrapped keys are safe
 * to store there; only KMS can open them.
 */
export class DataKeyRegistry {
  readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    keyPrefix: string,
    ringName: string,
  ) {
    this.key = `${keyPrefix}__ner:kms:${ringName}`;
  }

  /** Registry key for a prefix and ring name, without a client. */
  static keyFor(keyPrefix: string, ringName: string): string {
    return `${keyPrefix}__ner:kms:${ringName}`;
  }

  async get(id: string): Promise<StoredDataKey | undefined> {
    const text = await this.redis.hget(this.key, id);
    return text === null ? undefined : { entry: parseEntry(id, text), text };
  }

  /** Adds a new entry; resolves to false (and writes nothing) when the id is already taken. */
  async register(entry: DataKeyEntry): Promise<boolean> {
    return (await this.redis.hsetnx(this.key, entry.id, formatEntry(entry))) === 1;
  }

  /** Every entry, in id order. */
  async list(): Promise<StoredDataKey[]> {
    const all = await this.redis.hgetall(this.key);
    return Object.keys(all)
      .sort()
      .map((id) => ({ entry: parseEntry(id, all[id]!), text: all[id]! }));
  }

  /** Replaces an entry if it is still `previous.text`; resolves to whether it did. */
  async replace(previous: StoredDataKey, next: DataKeyEntry): Promise<boolean> {
    const replaced = await this.redis.eval(
      REPLACE_FIELD,
      1,
      this.key,
      previous.entry.id,
      previous.text,
      formatEntry(next),
    );
    return replaced === 1;
  }
}
