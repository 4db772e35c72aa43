/**
 * The contract between `bench/run.ts` and each benchmark file: a benchmark
 * measures, then returns a report that the runner prints as tables or JSON.
 */

/** Settings shared by every benchmark, from the command line. */
export interface BenchOptions {
  /** Redis server to measure against. Default: `REDIS_URL`, else `redis://127.0.0.1:6379`. */
  readonly redisUrl: string;
  /** Measured time of one case in one round, in milliseconds. Default: 1000. */
  readonly durationMs: number;
  /** Unmeasured time before each measurement, in milliseconds. Default: 200. */
  readonly warmupMs: number;
  /** How many times every case is measured; cases are interleaved. Default: 9. */
  readonly rounds: number;
  /** Operations kept in flight at once. Default: 32. */
  readonly concurrency: number;
  /** Ids of the cases to run; empty runs them all. Ratios need both of their cases. */
  readonly cases: readonly string[];
}

/** What a benchmark receives from the runner. */
export interface BenchContext {
  readonly options: BenchOptions;
  /** Aborted on Ctrl-C: stop measuring, clean up and return. */
  readonly signal: AbortSignal;
  /** Progress messages (stderr, so that `--json` output stays clean). */
  log(message: string): void;
}

export interface Benchmark {
  /** Name used on the command line, e.g. `core`. */
  readonly name: string;
  readonly title: string;
  run(context: BenchContext): Promise<BenchReport>;
}

/** One measured case: its throughput in each round and their median. */
export interface CaseResult {
  readonly id: string;
  readonly label: string;
  /** Median over the rounds, operations per second. */
  readonly opsPerSec: number;
  readonly roundsOpsPerSec: readonly number[];
  /**
   * Median CPU time (user + system) of the benchmark process per operation, in
   * microseconds. Less sensitive than ops/s to other programs on the machine.
   */
  readonly cpuUsPerOp: number;
  readonly roundsCpuUsPerOp: readonly number[];
  /** Latency of one operation over every measured round, in milliseconds. */
  readonly latencyMs: { readonly p50: number; readonly p99: number };
}

/** A measured quantity that is not a throughput (sizes, counts). */
export interface Measure {
  readonly id: string;
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  /** How it was measured. */
  readonly method?: string;
}

export interface Goal {
  readonly comparison: '>=' | '<=';
  readonly target: number;
  /** A reference target is shown for comparison only and does not count as a miss. */
  readonly binding: boolean;
}

export interface Ratio {
  readonly id: string;
  readonly label: string;
  readonly value: number;
  /** For throughput ratios: the ratio within each round, whose median is `value`. */
  readonly perRound?: readonly number[];
  /**
   * For throughput ratios: the same ratio from CPU time per operation
   * (denominator's over numerator's, medians), what it would be if this
   * process were the only bottleneck.
   */
  readonly byCpu?: number;
  readonly goal?: Goal;
  /** Set when there is a goal. */
  readonly met?: boolean;
}

export interface BenchReport {
  readonly name: string;
  readonly title: string;
  /** Free text describing the workload and the environment, one line each. */
  readonly description: readonly string[];
  readonly cases: readonly CaseResult[];
  readonly measures: readonly Measure[];
  readonly ratios: readonly Ratio[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function checked(base: Omit<Ratio, 'goal' | 'met'>, goal: Goal | undefined): Ratio {
  if (goal === undefined) return base;
  const met = goal.comparison === '>=' ? base.value >= goal.target : base.value <= goal.target;
  return { ...base, goal, met };
}

/** A ratio of two quantities with its goal checked; `undefined` when a side is missing or zero. */
export function ratio(
  id: string,
  label: string,
  numerator: number | undefined,
  denominator: number | undefined,
  goal?: Goal,
): Ratio | undefined {
  if (numerator === undefined || denominator === undefined || denominator === 0) return undefined;
  return checked({ id, label, value: numerator / denominator }, goal);
}

/**
 * The throughput ratio of two cases: the median of their ratios within each
 * round. Cases of one round run back to back, so a slow spell of the machine
 * mostly cancels out of the ratio instead of deciding it.
 */
export function throughputRatio(
  id: string,
  label: string,
  numerator: CaseResult | undefined,
  denominator: CaseResult | undefined,
  goal?: Goal,
): Ratio | undefined {
  if (numerator === undefined || denominator === undefined) return undefined;
  const rounds = Math.min(numerator.roundsOpsPerSec.length, denominator.roundsOpsPerSec.length);
  const perRound: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const below = denominator.roundsOpsPerSec[round]!;
    if (below > 0) perRound.push(numerator.roundsOpsPerSec[round]! / below);
  }
  if (perRound.length === 0) return undefined;
  const byCpu =
    numerator.cpuUsPerOp > 0 ? denominator.cpuUsPerOp / numerator.cpuUsPerOp : undefined;
  return checked(
    { id, label, value: median(perRound), perRound, ...(byCpu === undefined ? {} : { byCpu }) },
    goal,
  );
}
