import { randomBytes } from 'node:crypto';
import { Encrypted, EncryptedRepository, LocalKeyRing, RedisEntity } from '../lib/index.js';
import { startLocalCluster } from '../test/support/topology/redis-cluster.js';
import {
  throughputRatio,
  type Benchmark,
  type BenchContext,
  type BenchReport,
} from './harness/benchmark.js';
import { runInterleaved, type TimedCase } from './harness/measure.js';
import { benchClient, benchPrefix, cleanPrefix, serverVersion } from './harness/redis.js';

@RedisEntity('bench-visits')
class Visit {
  id!: string;
  clinic!: string;
  @Encrypted() reason!: string;
  @Encrypted() notes!: string;
}

const visit = (i: number) =>
  Object.assign(new Visit(), {
    id: `v${i % 4096}`,
    clinic: 'North',
    reason: `reason ${i}`,
    notes: `notes of visit ${i}, a few dozen bytes long`,
  });

async function measure(context: BenchContext): Promise<BenchReport> {
  context.log('cluster: starting 3 masters and 3 replicas on loopback ports');
  const cluster = await startLocalCluster(3, 1);
  const single = benchClient(context.options.redisUrl);
  const clustered = cluster.client();
  const prefix = benchPrefix('cluster');
  const keyRing = new LocalKeyRing({ keys: { k1: randomBytes(32).toString('base64') } });
  try {
    const onSingle = new EncryptedRepository(Visit, { client: single, keyRing, keyPrefix: prefix });
    const onCluster = new EncryptedRepository(Visit, {
      client: clustered,
      keyRing,
      keyPrefix: prefix,
    });
    const ids = Array.from({ length: 64 }, (_, i) => `v${i}`);
    const roundTrip = (repository: EncryptedRepository<Visit>) => async (index: number) => {
      await repository.save(visit(index));
      if ((await repository.findById(`v${index % 4096}`)) === null) throw new Error('lost a visit');
    };
    const batch = (repository: EncryptedRepository<Visit>) => async (index: number) => {
      await repository.saveMany(ids.map((_, i) => visit(index * 64 + i)));
      await repository.findMany(ids);
    };
    const cases: TimedCase[] = [
      { id: 'single', label: 'single node: save + findById', op: roundTrip(onSingle) },
      { id: 'cluster', label: 'cluster: save + findById', op: roundTrip(onCluster) },
      { id: 'single-batch', label: 'single node: saveMany + findMany of 64', op: batch(onSingle) },
      { id: 'cluster-batch', label: 'cluster: saveMany + findMany of 64', op: batch(onCluster) },
    ];
    const results = await runInterleaved(cases, context);
    const byId = (id: string) => results.find((result) => result.id === id);
    return {
      name: clusterBenchmark.name,
      title: clusterBenchmark.title,
      description: [
        `single node: redis ${await serverVersion(single)} at ${context.options.redisUrl}`,
        'cluster: 3 masters + 3 replicas, redis-server processes on this machine (same CPUs as the client)',
        `${context.options.concurrency} operations in flight, ${context.options.rounds} interleaved rounds`,
      ],
      cases: results,
      measures: [],
      ratios: [
        throughputRatio(
          'cluster-vs-single',
          'ops/s cluster / single node',
          byId('cluster'),
          byId('single'),
        ),
        throughputRatio(
          'cluster-batch-vs-single',
          'ops/s cluster / single node, batches of 64',
          byId('cluster-batch'),
          byId('single-batch'),
        ),
      ].filter((entry) => entry !== undefined),
    };
  } finally {
    keyRing.close();
    await cleanPrefix(single, prefix);
    await single.quit().catch(() => single.disconnect());
    clustered.disconnect();
    await cluster.stop();
  }
}

/** The repository on a local Redis Cluster against a single node. */
export const clusterBenchmark: Benchmark = {
  name: 'cluster',
  title: 'repository throughput on a Redis Cluster against a single node',
  run: measure,
};
