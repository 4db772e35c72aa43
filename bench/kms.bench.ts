import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { KmsKeyRing, LocalKeyRing, type KeyRing } from '../lib/index.js';
import { FakeKmsServer } from '../sample-app/fake-kms/fake-kms.server.js';
import {
  throughputRatio,
  type Benchmark,
  type BenchContext,
  type BenchReport,
  type Goal,
  type Measure,
} from './harness/benchmark.js';
import { runInterleaved } from './harness/measure.js';
import { benchClient, benchPrefix, cleanPrefix, serverVersion } from './harness/redis.js';
import { JsonPatient, patientRecords, type PatientFields } from './core/patient.js';
import { RepositoryStore } from './core/stores.js';

const RECORD_COUNT = 1024;
/** Operations counted for the steady-state KMS call rate: half saves, half reads. */
const COUNTED_OPS = 100_000;
/** Latency of the local fake KMS, in ms, like a regional KMS endpoint. */
const KMS_LATENCY_MS = 10;
/** A small use limit, so that data keys roll within the counted run. */
const ROLLING_MAX_USES = 2 ** 15;
const RATIO_GOAL: Goal = { comparison: '>=', target: 0.95, binding: true };
const ALIAS = 'alias/bench';

/** Runs `count` operations, `concurrency` at a time, as pairs: save a record, then read it back. */
async function drive(store: RepositoryStore<JsonPatient>, count: number, concurrency: number) {
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count / 2; index = next++) {
      await store.save(index);
      if ((await store.find(index)) === null) throw new Error(`lost record ${index}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** KMS calls (by operation) while `run` runs. */
async function kmsCalls(fake: FakeKmsServer, run: () => Promise<void>) {
  fake.resetCounts();
  await run();
  return { generate: fake.count('GenerateDataKey'), decrypt: fake.count('Decrypt') };
}

async function measure(
  client: Redis,
  prefix: string,
  fake: FakeKmsServer,
  context: BenchContext,
): Promise<BenchReport> {
  const records: PatientFields[] = patientRecords(RECORD_COUNT);
  const rings: KeyRing[] = [];
  const kmsRing = (options: { maxUses?: number } = {}) => {
    const ring = new KmsKeyRing({
      keyId: ALIAS,
      region: 'us-east-1',
      endpoint: fake.endpoint,
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
      redis: client,
      keyPrefix: prefix,
      ...(options.maxUses === undefined ? {} : { cache: { maxUses: options.maxUses } }),
    });
    rings.push(ring);
    return ring;
  };
  const store = (id: string, label: string, keyRing: KeyRing, under: string) =>
    new RepositoryStore(id, label, JsonPatient, records, client, {
      client,
      keyRing,
      keyPrefix: `${prefix}${under}:`,
    });
  try {
    const local = new LocalKeyRing({ keys: { k1: randomBytes(32).toString('base64') } });
    rings.push(local);
    const localStore = store('local', 'repository JSON, LocalKeyRing', local, 'local');
    const kmsStore = store('kms', 'repository JSON, KmsKeyRing (fake KMS)', kmsRing(), 'kms');
    const { concurrency } = context.options;

    const cold = await kmsCalls(fake, () => drive(kmsStore, 2 * RECORD_COUNT, concurrency));
    const reader = store('kms-reader', 'second instance', kmsRing(), 'kms');
    const secondInstance = await kmsCalls(fake, async () => {
      for (let i = 0; i < RECORD_COUNT; i++) await reader.find(i);
    });
    context.log(`kms: counting KMS calls over ${COUNTED_OPS} operations`);
    const steady = await kmsCalls(fake, () => drive(kmsStore, COUNTED_OPS, concurrency));
    const rollingStore = store(
      'kms-rolling',
      'rolling',
      kmsRing({ maxUses: ROLLING_MAX_USES }),
      'kms',
    );
    await drive(rollingStore, 2, 1);
    const rolling = await kmsCalls(fake, () => drive(rollingStore, COUNTED_OPS, concurrency));

    context.log(`kms: ${context.options.rounds} round(s) of throughput`);
    fake.resetCounts();
    const cases = await runInterleaved(
      [localStore, kmsStore].map((s) => ({
        id: s.id,
        label: s.label,
        op: async (index: number) => {
          await s.save(index);
          if ((await s.find(index)) === null) throw new Error(`${s.label} lost record ${index}`);
        },
      })),
      context,
    );
    const timedOps = cases.reduce(
      (sum, c) => sum + c.roundsOpsPerSec.reduce((a, b) => a + b, 0),
      0,
    );
    const measures: Measure[] = [
      {
        id: 'cold-generate',
        label: 'GenerateDataKey calls, cold start (first 2,048 ops)',
        value: cold.generate,
        unit: 'calls',
      },
      {
        id: 'cold-decrypt',
        label: 'Decrypt calls, cold start',
        value: cold.decrypt,
        unit: 'calls',
      },
      {
        id: 'second-decrypt',
        label: 'Decrypt calls, second instance reading 1,024 records',
        value: secondInstance.decrypt,
        unit: 'calls',
      },
      {
        id: 'steady-generate',
        label: 'GenerateDataKey calls per 100,000 ops, warm (default limits)',
        value: steady.generate,
        unit: 'calls',
      },
      {
        id: 'steady-decrypt',
        label: 'Decrypt calls per 100,000 ops, warm (default limits)',
        value: steady.decrypt,
        unit: 'calls',
      },
      {
        id: 'rolling-generate',
        label: `GenerateDataKey calls per 100,000 ops with maxUses ${ROLLING_MAX_USES} (150,000 values sealed)`,
        value: rolling.generate,
        unit: 'calls',
        method: `one per ${ROLLING_MAX_USES} sealed values; the run's first key was made before counting`,
      },
      {
        id: 'rolling-decrypt',
        label: `Decrypt calls per 100,000 ops with maxUses ${ROLLING_MAX_USES}`,
        value: rolling.decrypt,
        unit: 'calls',
      },
      {
        id: 'timed-calls',
        label: 'KMS calls during the timed rounds',
        value: fake.count(),
        unit: 'calls',
        method: `over about ${Math.round((timedOps * context.options.durationMs) / 1000)} measured ops`,
      },
    ];
    const ratio = throughputRatio(
      'ops-kms-vs-local',
      'ops/s KmsKeyRing / LocalKeyRing',
      cases[1],
      cases[0],
      RATIO_GOAL,
    );
    return {
      name: kmsBenchmark.name,
      title: kmsBenchmark.title,
      description: [
        'operation: save(record) then findById(record.id) of a patient (3 sealed fields), JSON storage',
        `KMS: the local fake endpoint (sample-app/fake-kms), ${KMS_LATENCY_MS} ms per call, through @aws-sdk/client-kms`,
        `redis ${await serverVersion(client)}, node ${process.version}, ${concurrency} operations in flight`,
        `counted runs: ${COUNTED_OPS} ops = ${COUNTED_OPS / 2} saves + ${COUNTED_OPS / 2} reads after warm-up`,
      ],
      cases,
      measures,
      ratios: ratio === undefined ? [] : [ratio],
    };
  } finally {
    for (const ring of rings) await ring.close?.();
  }
}

/** KMS calls in steady state and the KMS key ring's throughput against local keys. */
export const kmsBenchmark: Benchmark = {
  name: 'kms',
  title: 'KMS key ring: KMS calls per 100,000 operations and throughput vs local keys',
  async run(context) {
    // Nest writes log lines to stdout; keep the report there alone.
    Logger.overrideLogger(['error', 'warn']);
    const client = benchClient(context.options.redisUrl);
    const prefix = benchPrefix('kms');
    const fake = await FakeKmsServer.start({ aliases: [ALIAS] });
    fake.delayMs = KMS_LATENCY_MS;
    try {
      await client.ping();
      return await measure(client, prefix, fake, context);
    } finally {
      await fake.stop();
      try {
        const deleted = await cleanPrefix(client, prefix);
        context.log(`kms: removed ${deleted} keys under ${prefix}`);
      } catch (error) {
        context.log(`kms: could not clean ${prefix}*: ${(error as Error).message}`);
      }
      await client.quit().catch(() => client.disconnect());
    }
  },
};
