import { cpus } from 'node:os';
import {
  ratio,
  throughputRatio,
  type BenchOptions,
  type CaseResult,
  type Goal,
  type Ratio,
} from '../harness/benchmark.js';
import { CLEAR_FIELDS, SEALED_FIELDS, type PatientFields } from './patient.js';
import { CASES, type CaseId } from './stores.js';

const SEALING_GOAL: Goal = { comparison: '>=', target: 0.9, binding: true };
const CLEAR_GOAL: Goal = { comparison: '>=', target: 0.45, binding: true };
const SIZE_GOAL: Goal = { comparison: '<=', target: 1.7, binding: true };

type RatioSpec = readonly [id: string, label: string, of: CaseId, to: CaseId, goal?: Goal];

/** Throughput ratios; the hash ratios carry the JSON goals as a reference only. */
const THROUGHPUT_RATIOS: readonly RatioSpec[] = [
  [
    'ops-json-vs-b',
    'ops/s repository JSON / (b)',
    CASES.repositoryJson,
    CASES.handSealed,
    SEALING_GOAL,
  ],
  ['ops-json-vs-a', 'ops/s repository JSON / (a)', CASES.repositoryJson, CASES.plain, CLEAR_GOAL],
  [
    'ops-hash-vs-b',
    'ops/s repository hash / (b)',
    CASES.repositoryHash,
    CASES.handSealed,
    { ...SEALING_GOAL, binding: false },
  ],
  [
    'ops-hash-vs-a',
    'ops/s repository hash / (a)',
    CASES.repositoryHash,
    CASES.plain,
    { ...CLEAR_GOAL, binding: false },
  ],
  ['ops-b-vs-a', 'ops/s (b) / (a)', CASES.handSealed, CASES.plain],
];

/** Stored-size ratios, each against the clear JSON of baseline (a). */
const SIZE_RATIOS: readonly RatioSpec[] = [
  [
    'bytes-json-vs-a',
    'bytes repository JSON / clear JSON',
    CASES.repositoryJson,
    CASES.plain,
    SIZE_GOAL,
  ],
  [
    'bytes-hash-vs-a',
    'bytes repository hash / clear JSON',
    CASES.repositoryHash,
    CASES.plain,
    SIZE_GOAL,
  ],
  ['bytes-b-vs-a', 'bytes (b) / clear JSON', CASES.handSealed, CASES.plain],
];

/** Every ratio whose two cases were run. */
export function coreRatios(
  cases: readonly CaseResult[],
  sizes: ReadonlyMap<string, number>,
): Ratio[] {
  const result = (id: string) => cases.find((c) => c.id === id);
  return [
    ...THROUGHPUT_RATIOS.map(([id, label, of, to, goal]) =>
      throughputRatio(id, label, result(of), result(to), goal),
    ),
    ...SIZE_RATIOS.map(([id, label, of, to, goal]) =>
      ratio(id, label, sizes.get(of), sizes.get(to), goal),
    ),
  ].filter((r): r is Ratio => r !== undefined);
}

function describeShape(records: readonly PatientFields[]): string[] {
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const summary = (field: keyof PatientFields) => {
    const values = records.map((record) => Buffer.byteLength(record[field]));
    const low = Math.min(...values);
    const high = Math.max(...values);
    return low === high
      ? `${field} ${low}`
      : `${field} ${mean(values).toFixed(1)} (${low}-${high})`;
  };
  const clearJson = mean(records.map((record) => Buffer.byteLength(JSON.stringify(record))));
  return [
    'record (all strings; mean UTF-8 bytes per value, min-max):',
    `  clear ${CLEAR_FIELDS.map(summary).join(', ')}`,
    `  sealed ${SEALED_FIELDS.map(summary).join(', ')}`,
    `  as clear JSON ${clearJson.toFixed(1)} bytes, e.g. ${JSON.stringify(records[0])}`,
  ];
}

/** The workload, the cases and the environment, for the head of the report. */
export function describeCore(
  records: readonly PatientFields[],
  keyId: string,
  redisVersion: string,
  options: BenchOptions,
): string[] {
  const { durationMs, warmupMs, rounds, concurrency } = options;
  return [
    `operation: save(record), then findById(record.id); ${records.length} distinct records cycled`,
    ...describeShape(records),
    '(a): JSON.stringify + SET; GET + JSON.parse',
    '(b): as (a), with email, ssn and diagnosis each sealed by direct node:crypto calls',
    '     (AES-256-GCM, one raw key, random 12-byte nonce, 16-byte tag, base64; no AAD or header)',
    `repository: EncryptedRepository + LocalKeyRing (one key, id "${keyId}"), no TTL;`,
    '     JSON storage: SET ... KEEPTTL / GET; hash storage: Lua write (EVALSHA) / HGETALL',
    `setup: node ${process.version}, redis ${redisVersion}, ${cpus().length} CPUs ` +
      `(${cpus()[0]?.model.trim() ?? 'unknown'}), one ioredis connection, each case run with 1 ` +
      `and with ${concurrency} operations in flight;`,
    `     ${rounds} round(s), each running every case for ${warmupMs} ms warm-up + ` +
      `${durationMs} ms, in rotating order`,
    'ops/s, CPU µs/op (this process, user + system): medians over the rounds',
    'ratio value: median of the per-round ratios; by CPU µs: ratio of the CPU µs/op medians',
  ];
}
