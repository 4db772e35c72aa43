import type { ChainableCommander } from 'ioredis';
import { isCluster, type RedisClient } from './redis-client.js';

/** Reply of one command in a batch: an error, or the reply. */
export type BatchReply = readonly [Error | null, unknown];

/**
 * Runs one queued command per key and returns the replies in key order. On a
 * single node this is one pipeline, one round trip. On a Cluster each key
 * gets its own pipeline, so that keys in different slots never share one.
 */
export async function perKey(
  client: RedisClient,
  keys: readonly string[],
  queue: (pipeline: ChainableCommander, key: string, index: number) => void,
): Promise<BatchReply[]> {
  if (keys.length === 0) return [];
  if (isCluster(client)) {
    return Promise.all(
      keys.map(async (key, index) => {
        const pipeline = client.pipeline();
        queue(pipeline, key, index);
        const replies = await pipeline.exec();
        return replies?.[0] ?? [new Error('the pipeline was discarded'), null];
      }),
    );
  }
  const pipeline = client.pipeline();
  keys.forEach((key, index) => queue(pipeline, key, index));
  const replies = await pipeline.exec();
  return replies ?? keys.map(() => [new Error('the pipeline was discarded'), null]);
}
