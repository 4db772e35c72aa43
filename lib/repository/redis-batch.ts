import calculateSlot from 'cluster-key-slot';
import type { ChainableCommander, Cluster } from 'ioredis';
import { isCluster, type RedisClient } from './redis-client.js';

/** Reply of one command in a batch: an error, or the reply. */
export type BatchReply = readonly [Error | null, unknown];

type Queue = (pipeline: ChainableCommander, key: string, index: number) => void;

const DISCARDED: BatchReply = [new Error('the pipeline was discarded'), null];

async function runPipeline(
  client: RedisClient,
  keys: readonly string[],
  indices: readonly number[],
  queue: Queue,
): Promise<BatchReply[]> {
  const pipeline = client.pipeline();
  for (const index of indices) queue(pipeline, keys[index]!, index);
  const replies = await pipeline.exec();
  return indices.map((_, position) => (replies?.[position] as BatchReply | undefined) ?? DISCARDED);
}

/** Groups key positions by the node serving their slot (or by slot while the map is unknown). */
function groupByNode(client: Cluster, keys: readonly string[]): number[][] {
  const groups = new Map<string, number[]>();
  keys.forEach((key, index) => {
    const slot = calculateSlot(key);
    const node = client.slots[slot]?.[0] ?? `slot:${slot}`;
    let group = groups.get(node);
    if (group === undefined) groups.set(node, (group = []));
    group.push(index);
  });
  return [...groups.values()];
}

/**
 * Runs one queued command per key and returns the replies in key order. On a
 * single node this is one pipeline, one round trip. On a Cluster the keys are
 * grouped by the node serving their slot, one pipeline per node, all in
 * parallel; if the slot map changes under a group, its keys are retried one by
 * one, so that every key still gets its own reply.
 */
export async function perKey(
  client: RedisClient,
  keys: readonly string[],
  queue: Queue,
): Promise<BatchReply[]> {
  if (keys.length === 0) return [];
  if (!isCluster(client))
    return runPipeline(
      client,
      keys,
      keys.map((_, index) => index),
      queue,
    );
  const replies: BatchReply[] = new Array<BatchReply>(keys.length);
  await Promise.all(
    groupByNode(client, keys).map(async (indices) => {
      let groupReplies: BatchReply[];
      try {
        groupReplies = await runPipeline(client, keys, indices, queue);
      } catch {
        groupReplies = await Promise.all(
          indices.map(async (index) => (await runPipeline(client, keys, [index], queue))[0]!),
        );
      }
      indices.forEach((index, position) => (replies[index] = groupReplies[position]!));
    }),
  );
  return replies;
}

/**
 * Sends `WAIT replicas timeoutMs` on the connection of every node that holds
 * one of `keys` (the connection that carried their writes) and resolves to the
 * smallest number of replicas that confirmed.
 */
export async function waitForReplicas(
  client: RedisClient,
  keys: readonly string[],
  replicas: number,
  timeoutMs: number,
): Promise<number> {
  if (!isCluster(client)) return Number(await client.call('WAIT', replicas, timeoutMs));
  const confirmed = await Promise.all(
    groupByNode(client, keys).map(async (indices) => {
      // A keyed command routes the pipeline to the node; WAIT follows on the same connection.
      const replies = await client
        .pipeline()
        .exists(keys[indices[0]!]!)
        .call('WAIT', replicas, timeoutMs)
        .exec();
      const [error, count] = replies?.[1] ?? [new Error('the pipeline was discarded'), 0];
      if (error) throw error;
      return Number(count);
    }),
  );
  return Math.min(...confirmed);
}
