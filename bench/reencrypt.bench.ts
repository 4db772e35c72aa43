import { pathToFileURL } from 'node:url';
import { reencrypt } from '../lib/index.js';
import {
  median,
  throughputRatio,
  type Benchmark,
  type BenchContext,
  type BenchOptions,
  type BenchReport,
  type CaseResult,
} from './harness/benchmark.js';
import { benchClient, benchPrefix, cleanPrefix, serverVersion } from './harness/redis.js';
import { renderReport } from './harness/report-table.js';
import {
  naiveRotation,
  populate,
  rotationRings,
  type RotationRings,
} from './reencrypt/rotation-fixture.js';

/** Entities rotated by each case in each round (`BENCH_REENCRYPT_ENTITIES` overrides). */
const ENTITIES = Number(process.env.BENCH_REENCRYPT_ENTITIES ?? 100_000);
/** Every round rotates every entity twice, so rounds are capped to keep a run short. */
const MAX_ROUNDS = 3;
const JOB_BATCH_SIZE = 1000;

const CASE = { naive: 'naive-loop', job: 'reencrypt-job' } as const;
type CaseId = (typeof CASE)[keyof typeof CASE];
const LABELS: Record<CaseId, string> = {
  [CASE.naive]: 'naive loop: GET, open, seal, SET per key',
  [CASE.job]: 'reencrypt job: SCAN, pipelined read, CAS write',
};

interface Sample {
  readonly valuesPerSec: number;
  readonly cpuUsPerValue: number;
}

async function measure(rotate: () => Promise<number>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const values = await rotate();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  if (values !== ENTITIES) throw new Error(`expected ${ENTITIES} values re-sealed, got ${values}`);
  return { valuesPerSec: values / seconds, cpuUsPerValue: (used.user + used.system) / values };
}

function caseResult(id: CaseId, samples: readonly Sample[]): CaseResult {
  const rates = samples.map((sample) => sample.valuesPerSec);
  const cpu = samples.map((sample) => sample.cpuUsPerValue);
  return {
    id,
    label: LABELS[id],
    opsPerSec: median(rates),
    roundsOpsPerSec: rates,
    cpuUsPerOp: median(cpu),
    roundsCpuUsPerOp: cpu,
    latencyMs: { p50: 0, p99: 0 },
  };
}

async function rounds(
  context: BenchContext,
  rings: RotationRings,
  client: ReturnType<typeof benchClient>,
  prefix: string,
): Promise<Map<CaseId, Sample[]>> {
  const tokens = await populate(client, prefix, rings.toK1, ENTITIES);
  const samples = new Map<CaseId, Sample[]>([
    [CASE.naive, []],
    [CASE.job, []],
  ]);
  const count = Math.min(context.options.rounds, MAX_ROUNDS);
  for (let round = 0; round < count && !context.signal.aborted; round++) {
    // Each case re-seals every entity: the first from k1 to k2, the second back to k1.
    const order: CaseId[] = round % 2 === 0 ? [CASE.naive, CASE.job] : [CASE.job, CASE.naive];
    for (const [step, id] of order.entries()) {
      const keyRing = step === 0 ? rings.toK2 : rings.toK1;
      const sample = await measure(async () => {
        if (id === CASE.naive) {
          return naiveRotation(client, tokens, keyRing, ENTITIES, context.signal);
        }
        const report = await reencrypt({
          client,
          keyRing,
          keyPrefix: prefix,
          job: `bench-${round}-${step}`,
          batchSize: JOB_BATCH_SIZE,
          signal: context.signal,
        });
        return report.values.resealed;
      });
      samples.get(id)!.push(sample);
      context.log(
        `  round ${round + 1}/${count}  ${LABELS[id].padEnd(48)} ` +
          `${Math.round(sample.valuesPerSec)} values/s, ${sample.cpuUsPerValue.toFixed(1)} CPU µs/value`,
      );
    }
  }
  return samples;
}

/** Re-encryption throughput: the job against a sequential GET/SET loop, side by side. */
export async function runReencryptBench(context: BenchContext): Promise<BenchReport> {
  const client = benchClient(context.options.redisUrl);
  const prefix = benchPrefix('reencrypt');
  const rings = rotationRings();
  try {
    await client.ping();
    context.log(`reencrypt: ${ENTITIES} entities under ${prefix}`);
    const samples = await rounds(context, rings, client, prefix);
    const naive = caseResult(CASE.naive, samples.get(CASE.naive)!);
    const job = caseResult(CASE.job, samples.get(CASE.job)!);
    const ratio = throughputRatio('job-vs-naive', 'values/s job / naive loop', job, naive, {
      comparison: '>=',
      target: 10,
      binding: true,
    });
    return {
      name: reencryptBenchmark.name,
      title: reencryptBenchmark.title,
      description: [
        `${ENTITIES} JSON entities (clear id and owner, one sealed secret), Redis ${await serverVersion(client)}`,
        `each round re-seals every entity once per case, from one key to the other; ${naive.roundsOpsPerSec.length} round(s)`,
        `job: library reencrypt(), SCAN COUNT ${JOB_BATCH_SIZE}, one compare-and-set script per changed key`,
        'naive: sequential GET, open, seal, SET KEEPTTL, one key at a time',
        'ops/s are values re-sealed per second; latency columns are not measured here',
      ],
      cases: [job, naive],
      measures: [],
      ratios: ratio === undefined ? [] : [ratio],
    };
  } finally {
    rings.close();
    try {
      const deleted = await cleanPrefix(client, prefix);
      context.log(`reencrypt: removed ${deleted} keys under ${prefix}`);
    } catch (error) {
      context.log(`reencrypt: could not clean ${prefix}*: ${(error as Error).message}`);
    }
    await client.quit().catch(() => client.disconnect());
  }
}

export const reencryptBenchmark: Benchmark = {
  name: 'reencrypt',
  title: 're-encryption throughput after a key rotation',
  run: runReencryptBench,
};

/** Run alone: `node dist/bench/reencrypt.bench.js` (same options as the runner's defaults). */
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const options: BenchOptions = {
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    durationMs: 1000,
    warmupMs: 200,
    rounds: MAX_ROUNDS,
    concurrency: 1,
    cases: [],
  };
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const report = await runReencryptBench({
    options,
    signal: controller.signal,
    log: (message) => process.stderr.write(`${message}\n`),
  });
  process.stdout.write(`${renderReport(report)}\n`);
}
