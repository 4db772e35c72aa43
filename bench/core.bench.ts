import { deepStrictEqual } from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LocalKeyRing } from '../lib/index.js';
import type {
  Benchmark,
  BenchContext,
  BenchReport,
  CaseResult,
  Measure,
  Ratio,
} from './harness/benchmark.js';
import { runInterleaved, type TimedCase } from './harness/measure.js';
import { benchClient, benchPrefix, cleanPrefix, serverVersion } from './harness/redis.js';
import { coreRatios, describeCore } from './core/core-report.js';
import { patientRecords, SEALED_FIELDS, type PatientFields } from './core/patient.js';
import { CASES, createStores, type PatientStore } from './core/stores.js';

/**
 * Each case runs with one operation in flight (latency-bound: what one request
 * at a time sees) and with `--concurrency` in flight (throughput-bound: the
 * benchmark process's CPU is the limit).
 */
function inFlightLevels(concurrency: number): number[] {
  return concurrency === 1 ? [1] : [1, concurrency];
}

function mode(inFlight: number): string {
  return `[${inFlight} in flight]`;
}

/** Distinct records cycled through by the operations. */
const RECORD_COUNT = 1024;
const KEY_ID = 'k1';

function fieldsOf(value: PatientFields): PatientFields {
  const { id, name, city, email, ssn, diagnosis } = value;
  return { id, name, city, email, ssn, diagnosis };
}

/**
 * One round trip through the store, checked field by field; a sealing store
 * must not hold any sealed field in clear.
 */
async function verify(store: PatientStore, record: PatientFields): Promise<void> {
  await store.save(0);
  const found = await store.find(0);
  deepStrictEqual(found === null ? null : fieldsOf(found), record, `${store.label} round trip`);
  if (store.id === CASES.plain) return;
  const raw = await store.raw(0);
  for (const field of SEALED_FIELDS) {
    if (raw.includes(record[field])) throw new Error(`${store.label} stored ${field} in clear`);
  }
}

/** Mean bytes per stored record, after writing every record once. */
async function meanStoredBytes(store: PatientStore, count: number): Promise<number> {
  const batch = 64;
  let total = 0;
  for (let start = 0; start < count; start += batch) {
    const indices = Array.from({ length: Math.min(batch, count - start) }, (_, i) => start + i);
    await Promise.all(indices.map((index) => store.save(index)));
    const sizes = await Promise.all(indices.map((index) => store.storedBytes(index)));
    total += sizes.reduce((sum, size) => sum + size, 0);
  }
  return total / count;
}

async function measure(client: Redis, prefix: string, context: BenchContext): Promise<BenchReport> {
  const records = patientRecords(RECORD_COUNT);
  const keyRing = new LocalKeyRing({ keys: { [KEY_ID]: randomBytes(32).toString('base64') } });
  try {
    const all = createStores({ client, keyRing, keyPrefix: prefix }, records);
    const wanted = context.options.cases;
    const unknown = wanted.filter((id) => !all.some((store) => store.id === id));
    if (unknown.length > 0) {
      const known = all.map((store) => store.id).join(', ');
      throw new Error(`unknown case ${unknown.join(', ')}; known: ${known}`);
    }
    const stores = all.filter((store) => wanted.length === 0 || wanted.includes(store.id));
    for (const store of stores) await verify(store, records[0]!);
    const timed: TimedCase[] = stores.map((store) => ({
      id: store.id,
      label: store.label,
      op: async (index) => {
        await store.save(index);
        if ((await store.find(index)) === null)
          throw new Error(`${store.label} lost record ${index}`);
      },
    }));
    const cases: CaseResult[] = [];
    const ratios: Ratio[] = [];
    for (const inFlight of inFlightLevels(context.options.concurrency)) {
      const options = { ...context.options, concurrency: inFlight };
      context.log(
        `core: ${stores.length} case(s), ${options.rounds} round(s), ${inFlight} in flight`,
      );
      const measured = await runInterleaved(timed, { ...context, options });
      cases.push(
        ...measured.map((c) => ({
          ...c,
          id: `${c.id}@${inFlight}`,
          label: `${c.label} ${mode(inFlight)}`,
        })),
      );
      ratios.push(
        ...coreRatios(measured, new Map())
          .filter((r) => r.id.startsWith('ops-'))
          .map((r) => ({ ...r, id: `${r.id}@${inFlight}`, label: `${r.label} ${mode(inFlight)}` })),
      );
    }
    const sizes = new Map<string, number>();
    const measures: Measure[] = [];
    for (const store of context.signal.aborted ? [] : stores) {
      const mean = await meanStoredBytes(store, RECORD_COUNT);
      sizes.set(store.id, mean);
      measures.push({
        id: `bytes-${store.id}`,
        label: `bytes per record, ${store.label}`,
        value: mean,
        unit: 'B',
        method: store.sizeMethod,
      });
    }
    return {
      name: coreBenchmark.name,
      title: coreBenchmark.title,
      description: describeCore(records, KEY_ID, await serverVersion(client), context.options),
      cases,
      measures,
      ratios: [...ratios, ...coreRatios([], sizes)],
    };
  } finally {
    keyRing.close();
  }
}

/** The repository's save + findById against plain ioredis and against hand-written sealing. */
export const coreBenchmark: Benchmark = {
  name: 'core',
  title: 'repository save + findById of a patient record',
  async run(context) {
    const client = benchClient(context.options.redisUrl);
    const prefix = benchPrefix('core');
    try {
      await client.ping();
      return await measure(client, prefix, context);
    } finally {
      try {
        const deleted = await cleanPrefix(client, prefix);
        context.log(`core: removed ${deleted} keys under ${prefix}`);
      } catch (error) {
        context.log(`core: could not clean ${prefix}*: ${(error as Error).message}`);
      }
      await client.quit().catch(() => client.disconnect());
    }
  },
};
