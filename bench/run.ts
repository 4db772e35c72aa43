/**
 * Entry of `npm run bench`: runs the benchmarks listed in BENCHMARKS (all, or
 * those named on the command line) and prints their reports. A benchmark file
 * `bench/<name>.bench.ts` exports a `Benchmark`; add it to the list below.
 * Timings are reported, never asserted: the exit code is 0 whether or not a
 * goal is met, 1 on an error, 2 on a bad command line, 130 when interrupted.
 */
import { clusterBenchmark } from './cluster.bench.js';
import { coreBenchmark } from './core.bench.js';
import { findByBenchmark } from './find-by.bench.js';
import { kmsBenchmark } from './kms.bench.js';
import { reencryptBenchmark } from './reencrypt.bench.js';
import type { Benchmark, BenchReport } from './harness/benchmark.js';
import { parseCommandLine, USAGE, type CommandLine } from './harness/cli-options.js';
import { renderReport } from './harness/report-table.js';

const BENCHMARKS: readonly Benchmark[] = [
  coreBenchmark,
  kmsBenchmark,
  reencryptBenchmark,
  findByBenchmark,
  clusterBenchmark,
];

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function selected(names: readonly string[]): Benchmark[] {
  if (names.length === 0) return [...BENCHMARKS];
  return names.map((name) => {
    const found = BENCHMARKS.find((benchmark) => benchmark.name === name);
    if (found === undefined) {
      const known = BENCHMARKS.map((benchmark) => benchmark.name).join(', ');
      throw new Error(`unknown benchmark "${name}"; known: ${known}`);
    }
    return found;
  });
}

async function runAll(commandLine: CommandLine, benchmarks: Benchmark[]): Promise<void> {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    log('interrupted: stopping and cleaning up (Ctrl-C again to quit at once)');
    controller.abort();
  });
  const reports: BenchReport[] = [];
  for (const benchmark of benchmarks) {
    if (controller.signal.aborted) break;
    log(`running ${benchmark.name}: ${benchmark.title}`);
    reports.push(
      await benchmark.run({ options: commandLine.options, signal: controller.signal, log }),
    );
  }
  if (controller.signal.aborted) {
    process.exitCode = 130;
    return;
  }
  if (commandLine.json) {
    const document = {
      generatedAt: new Date().toISOString(),
      options: commandLine.options,
      reports,
    };
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    process.stdout.write(`${reports.map(renderReport).join('\n\n')}\n`);
  }
}

async function main(): Promise<void> {
  let commandLine: CommandLine;
  let benchmarks: Benchmark[];
  try {
    commandLine = parseCommandLine(process.argv.slice(2), process.env);
    benchmarks = selected(commandLine.benchmarks);
  } catch (error) {
    log(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (commandLine.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (commandLine.list) {
    for (const benchmark of BENCHMARKS) {
      process.stdout.write(`${benchmark.name.padEnd(12)} ${benchmark.title}\n`);
    }
    return;
  }
  try {
    await runAll(commandLine, benchmarks);
  } catch (error) {
    log(`benchmark failed: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  }
}

await main();
