import { randomBytes } from 'node:crypto';
import { Encrypted, EncryptedRepository, LocalKeyRing, RedisEntity } from '../lib/index.js';
import {
  throughputRatio,
  type Benchmark,
  type BenchContext,
  type BenchReport,
} from './harness/benchmark.js';
import { runInterleaved, type TimedCase } from './harness/measure.js';
import { benchClient, benchPrefix, cleanPrefix, serverVersion } from './harness/redis.js';

/** Members stored before measuring (`BENCH_FIND_BY_ENTITIES` overrides). */
const ENTITIES = Number(process.env.BENCH_FIND_BY_ENTITIES ?? 10_000);

@RedisEntity('bench-members')
class Member {
  id!: string;
  name!: string;
  @Encrypted({ index: { normalize: ['trim', 'lowercase'] } }) email!: string;
  @Encrypted() phone!: string;
}

@RedisEntity('bench-members-plain')
class PlainMember {
  id!: string;
  name!: string;
  @Encrypted() email!: string;
  @Encrypted() phone!: string;
}

const member = (i: number) => ({
  id: `m${i}`,
  name: `Member ${i}`,
  email: `member.${i}@example.test`,
  phone: `+31 6 ${String(10_000_000 + i)}`,
});

async function measure(context: BenchContext): Promise<BenchReport> {
  const client = benchClient(context.options.redisUrl);
  const prefix = benchPrefix('find-by');
  const keyRing = new LocalKeyRing({ keys: { k1: randomBytes(32).toString('base64') } });
  try {
    const indexed = new EncryptedRepository(Member, { client, keyRing, keyPrefix: prefix });
    const plain = new EncryptedRepository(PlainMember, { client, keyRing, keyPrefix: prefix });
    context.log(`find-by: storing ${ENTITIES} members twice (with and without the index)`);
    for (let start = 0; start < ENTITIES; start += 500) {
      const batch = Array.from({ length: Math.min(500, ENTITIES - start) }, (_, i) =>
        member(start + i),
      );
      await indexed.saveMany(batch.map((fields) => Object.assign(new Member(), fields)));
      await plain.saveMany(batch.map((fields) => Object.assign(new PlainMember(), fields)));
    }
    const pick = (index: number) => (index * 7919) % ENTITIES;
    const cases: TimedCase[] = [
      {
        id: 'find-by-id',
        label: 'findById (indexed entity)',
        op: async (index) => {
          if ((await indexed.findById(`m${pick(index)}`)) === null)
            throw new Error('lost a member');
        },
      },
      {
        id: 'find-by-email',
        label: 'findBy(email) on the blind index',
        op: async (index) => {
          const found = await indexed.findBy('email', ` MEMBER.${pick(index)}@example.test`);
          if (found.length !== 1) throw new Error(`findBy found ${found.length} members`);
        },
      },
      {
        id: 'save-plain',
        label: 'save, no index',
        op: (index) => plain.save(Object.assign(new PlainMember(), member(pick(index)))),
      },
      {
        id: 'save-indexed',
        label: 'save, one blind index',
        op: (index) => indexed.save(Object.assign(new Member(), member(pick(index)))),
      },
    ];
    const results = await runInterleaved(cases, context);
    const byId = (id: string) => results.find((result) => result.id === id);
    return {
      name: findByBenchmark.name,
      title: findByBenchmark.title,
      description: [
        `${ENTITIES} members (clear id, name; sealed email with a blind index, sealed phone), hash storage`,
        `redis ${await serverVersion(client)}, ${context.options.concurrency} operations in flight, ${context.options.rounds} interleaved rounds`,
        'findBy: one ZRANGE per lookup key (one key here), then findMany of the candidates, opened and compared',
      ],
      cases: results,
      measures: [],
      ratios: [
        throughputRatio(
          'find-by-vs-id',
          'ops/s findBy / findById',
          byId('find-by-email'),
          byId('find-by-id'),
        ),
        throughputRatio(
          'save-index-vs-plain',
          'ops/s save with index / without',
          byId('save-indexed'),
          byId('save-plain'),
        ),
      ].filter((entry) => entry !== undefined),
    };
  } finally {
    keyRing.close();
    context.log(`find-by: removed ${await cleanPrefix(client, prefix)} keys`);
    await client.quit().catch(() => client.disconnect());
  }
}

/** Blind-index lookups and indexed writes against lookups by id and plain writes. */
export const findByBenchmark: Benchmark = {
  name: 'find-by',
  title: 'findBy on a blind index against findById, and the write cost of an index',
  run: measure,
};
