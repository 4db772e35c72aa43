import { createHistogram, performance, type RecordableHistogram } from 'node:perf_hooks';
import { median, type BenchContext, type CaseResult } from './benchmark.js';

/** A case to time: `op(i)` performs operation number `i` and resolves when it is done. */
export interface TimedCase {
  readonly id: string;
  readonly label: string;
  op(index: number): Promise<unknown>;
}

interface Sample {
  readonly opsPerSec: number;
  /** CPU time (user + system) of this process per operation, in microseconds. */
  readonly cpuUsPerOp: number;
}

const NS_PER_MS = 1e6;

/**
 * Runs `op` from `concurrency` workers until `durationMs` has passed and the
 * operations in flight have finished. Worker `w` performs operations
 * `w, w + concurrency, w + 2 * concurrency, ...`, so no two workers share an index.
 */
async function drive(
  op: (index: number) => Promise<unknown>,
  durationMs: number,
  concurrency: number,
  signal: AbortSignal,
  histogram?: RecordableHistogram,
): Promise<Sample> {
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const deadline = start + durationMs;
  let completed = 0;
  const worker = async (first: number): Promise<void> => {
    for (let index = first; performance.now() < deadline && !signal.aborted;) {
      const began = process.hrtime.bigint();
      await op(index);
      histogram?.record(process.hrtime.bigint() - began);
      completed++;
      index += concurrency;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const elapsedSeconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    opsPerSec: completed / elapsedSeconds,
    cpuUsPerOp: completed === 0 ? 0 : (cpu.user + cpu.system) / completed,
  };
}

/**
 * Measures every case `rounds` times. Each round runs all cases one after the
 * other, starting one case further along than the round before, so that no
 * case always runs first or right after the same neighbour; every measurement
 * follows its own warm-up. Results keep the order of `cases`.
 */
export async function runInterleaved(
  cases: readonly TimedCase[],
  context: BenchContext,
): Promise<CaseResult[]> {
  const { durationMs, warmupMs, rounds, concurrency } = context.options;
  const samples = new Map<string, Sample[]>(cases.map((c) => [c.id, []]));
  const histograms = new Map(cases.map((c) => [c.id, createHistogram()]));
  for (let round = 0; round < rounds && !context.signal.aborted; round++) {
    for (let step = 0; step < cases.length && !context.signal.aborted; step++) {
      const timed = cases[(round + step) % cases.length]!;
      const op = (index: number) => timed.op(index);
      await drive(op, warmupMs, concurrency, context.signal);
      const sample = await drive(
        op,
        durationMs,
        concurrency,
        context.signal,
        histograms.get(timed.id),
      );
      samples.get(timed.id)!.push(sample);
      context.log(
        `  round ${round + 1}/${rounds}  ${timed.label.padEnd(34)} ` +
          `${Math.round(sample.opsPerSec)} ops/s, ${sample.cpuUsPerOp.toFixed(1)} CPU µs/op`,
      );
    }
  }
  return cases.map((timed) => {
    const measured = samples.get(timed.id)!;
    const histogram = histograms.get(timed.id)!;
    const opsPerSec = measured.map((sample) => sample.opsPerSec);
    const cpuUsPerOp = measured.map((sample) => sample.cpuUsPerOp);
    return {
      id: timed.id,
      label: timed.label,
      opsPerSec: measured.length === 0 ? 0 : median(opsPerSec),
      roundsOpsPerSec: opsPerSec,
      cpuUsPerOp: measured.length === 0 ? 0 : median(cpuUsPerOp),
      roundsCpuUsPerOp: cpuUsPerOp,
      latencyMs: {
        p50: histogram.count === 0 ? 0 : histogram.percentile(50) / NS_PER_MS,
        p99: histogram.count === 0 ? 0 : histogram.percentile(99) / NS_PER_MS,
      },
    };
  });
}
