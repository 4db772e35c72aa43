import { Cluster, Redis } from 'ioredis';
import { DEFAULT_REDIS_URL } from '../encrypted-redis.internal-constants.js';
import type {
  ClusterConnectionOptions,
  RedisConnection,
} from '../interfaces/encrypted-redis-options.interface.js';
import type { RedisClient } from '../repository/redis-client.js';

/** A client and whether whoever made it must close it. */
export interface RedisConnectionHandle {
  readonly client: RedisClient;
  readonly owned: boolean;
}

function isClient(connection: unknown): connection is RedisClient {
  if (typeof connection !== 'object' || connection === null) return false;
  const candidate = connection as Partial<Record<'pipeline' | 'defineCommand' | 'quit', unknown>>;
  return (
    typeof candidate.pipeline === 'function' &&
    typeof candidate.defineCommand === 'function' &&
    typeof candidate.quit === 'function'
  );
}

function isClusterConnection(connection: object): connection is ClusterConnectionOptions {
  return 'cluster' in connection;
}

/**
 * Creates the configured client, or adopts a given one without owning it.
 * Created clients connect on their first command, so a startup that fails
 * later (a bad entity, say) leaves no socket open.
 */
export function createRedisClient(connection: RedisConnection | undefined): RedisConnectionHandle {
  if (isClient(connection)) return { client: connection, owned: false };
  return { client: newClient(connection), owned: true };
}

function newClient(connection: Exclude<RedisConnection, RedisClient> | undefined): RedisClient {
  if (connection === undefined || typeof connection === 'string') {
    return new Redis(connection ?? DEFAULT_REDIS_URL, { lazyConnect: true });
  }
  if (isClusterConnection(connection)) {
    const { nodes, options } = connection.cluster;
    return new Cluster([...nodes], { lazyConnect: true, ...options });
  }
  return new Redis({ lazyConnect: true, ...connection });
}

/** Closes a client the module created: politely when connected, at once otherwise. */
export async function closeRedisClient(client: RedisClient): Promise<void> {
  if (client.status === 'wait' || client.status === 'end') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
