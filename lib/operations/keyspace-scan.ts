import type { Redis } from 'ioredis';
import { isCluster, type RedisClient } from '../repository/redis-client.js';

/** One server whose keys a scan walks: the only server, or one Cluster master. */
export interface ScanNode {
  /** Stable name of the node in checkpoints: `standalone`, or `host:port` of a master. */
  readonly id: string;
  readonly client: Redis;
}

/** The servers to scan: every master of a Cluster, or the single server. */
export function scanNodes(client: RedisClient): ScanNode[] {
  if (!isCluster(client)) return [{ id: 'standalone', client }];
  return client
    .nodes('master')
    .map((node) => ({ id: `${node.options.host ?? ''}:${node.options.port ?? ''}`, client: node }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** One SCAN reply: the keys and the cursor to continue from (`'0'` when the node is done). */
export interface ScanPage {
  readonly keys: string[];
  readonly cursor: string;
}

/** One SCAN call on a node, matching every key under `prefix` (SCAN, never KEYS). */
export async function scanPage(
  node: ScanNode,
  prefix: string,
  cursor: string,
  count: number,
): Promise<ScanPage> {
  const [next, keys] = await node.client.scan(
    cursor,
    'MATCH',
    `${escapeGlob(prefix)}*`,
    'COUNT',
    count,
  );
  return { keys, cursor: next };
}

/** Keys in the databases scanned, for a progress estimate (it counts keys outside the prefix too). */
export async function estimateKeys(nodes: readonly ScanNode[]): Promise<number> {
  const sizes = await Promise.all(nodes.map((node) => node.client.dbsize()));
  return sizes.reduce((sum, size) => sum + size, 0);
}
