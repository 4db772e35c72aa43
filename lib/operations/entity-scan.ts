import type { RedisClient } from '../repository/redis-client.js';
import { parseEntityKey } from './entity-key.js';
import { scanPage, type ScanNode } from './keyspace-scan.js';
import type { RateLimiter } from './rate-limiter.js';
import { readRecords, type StorageHint, type StoredRecord } from './record-access.js';
import type { ScannedKeySet } from './scanned-key-set.js';
import { isBookkeepingKey } from './schema-registry.js';

/** An entity key a scan returned, with what it held when read. */
export interface ScannedRecord {
  readonly key: string;
  readonly keyspace: string;
  readonly id: string;
  /** False when the scan returned this key before: process it, but count it once. */
  readonly counted: boolean;
  readonly record: StoredRecord | Error;
}

/** One SCAN page, read. */
export interface ScanBatch {
  readonly node: ScanNode;
  /** Where the node's scan continues; `'0'` when this was its last page. */
  readonly cursor: string;
  /** Keys returned for the first time, entity keys or not (bookkeeping keys are never counted). */
  readonly newKeys: number;
  /** Keys returned for the first time that are not entity keys of the keyspaces walked. */
  readonly otherKeys: number;
  readonly records: readonly ScannedRecord[];
}

export interface EntityScanOptions {
  readonly client: RedisClient;
  readonly prefix: string;
  readonly nodes: readonly ScanNode[];
  /** Cursor to start from per node id (`'0'` or absent: from the start; `'done'`: skip). */
  readonly cursors: ReadonlyMap<string, string>;
  /** SCAN COUNT: keys asked for per page. */
  readonly batchSize: number;
  /** The storage each keyspace's schema names, for reading with plain commands. */
  readonly storageOf: (keyspace: string) => StorageHint;
  /** Only these keyspaces; all when undefined. */
  readonly keyspaces: ReadonlySet<string> | undefined;
  readonly seen: ScannedKeySet;
  readonly limiter: RateLimiter;
  readonly signal: AbortSignal | undefined;
}

/** One SCAN call on a node, then one round trip reading the entity keys it returned. */
async function fetchPage(
  options: EntityScanOptions,
  node: ScanNode,
  cursor: string,
): Promise<ScanBatch> {
  const { prefix, keyspaces, seen } = options;
  const page = await scanPage(node, prefix, cursor, options.batchSize);
  await options.limiter.take(page.keys.length, options.signal);
  let newKeys = 0;
  let otherKeys = 0;
  const wanted: { key: string; keyspace: string; id: string; counted: boolean }[] = [];
  for (const key of page.keys) {
    if (isBookkeepingKey(prefix, key)) continue;
    const counted = seen.add(key);
    if (counted) newKeys++;
    const parts = parseEntityKey(prefix, key);
    if (parts === undefined || (keyspaces !== undefined && !keyspaces.has(parts.keyspace))) {
      if (counted) otherKeys++;
      continue;
    }
    wanted.push({ key, ...parts, counted });
  }
  const stored = await readRecords(
    options.client,
    wanted.map((item) => item.key),
    wanted.map((item) => options.storageOf(item.keyspace)),
  );
  const records = wanted.map((item, index) => ({ ...item, record: stored[index]! }));
  return { node, cursor: page.cursor, newKeys, otherKeys, records };
}

/**
 * Walks every node with SCAN and reads the entity keys of each page in one
 * round trip. The next page is fetched while the caller works on the current
 * one, so that Redis and this process work at the same time. Stops early
 * (between pages) when `signal` is aborted.
 */
export async function* scanEntityRecords(options: EntityScanOptions): AsyncGenerator<ScanBatch> {
  for (const node of options.nodes) {
    const start = options.cursors.get(node.id) ?? '0';
    if (start === 'done') continue;
    let next: Promise<ScanBatch> | undefined = fetchPage(options, node, start);
    while (next !== undefined) {
      if (options.signal?.aborted) {
        // The prefetched page is dropped: its cursor was never checkpointed.
        next.catch(() => undefined);
        return;
      }
      const batch: ScanBatch = await next;
      next = batch.cursor === '0' ? undefined : fetchPage(options, node, batch.cursor);
      next?.catch(() => undefined);
      yield batch;
    }
  }
}
