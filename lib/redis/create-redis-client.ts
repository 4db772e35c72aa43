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

/** Opens the configured connection, or adopts a given client without owning it. */
export function createRedisClient(connection: RedisConnection | undefined): RedisConnectionHandle {
  if (connection === undefined) return { client: new Redis(DEFAULT_REDIS_URL), owned: true };
  if (typeof connection === 'string') return { client: new Redis(connection), owned: true };
  if (isClient(connection)) return { client: connection, owned: false };
  if (isClusterConnection(connection)) {
    const { nodes, options } = connection.cluster;
    return { client: new Cluster([...nodes], options), owned: true };
  }
  return { client: new Redis(connection), owned: true };
}
