import { parseArgs } from 'node:util';
import type { BenchOptions } from './benchmark.js';
import { DEFAULT_REDIS_URL } from './redis.js';

export const USAGE = `Usage: node dist/bench/run.js [benchmark ...] [options]

Runs the named benchmarks (default: all) against REDIS_URL (default ${DEFAULT_REDIS_URL}).

Options:
  --json               print one JSON document instead of tables
  --duration <ms>      measured time of each case in each round (default 1000)
  --warmup <ms>        unmeasured time before each measurement (default 200)
  --rounds <n>         measurements per case, interleaved; medians are kept (default 9)
  --concurrency <n>    operations in flight at once (default 32)
  --case <id>          run only this case (repeatable); ratios need both of their cases
  --list               list the benchmarks and exit
  --help               show this help`;

export interface CommandLine {
  readonly benchmarks: readonly string[];
  readonly json: boolean;
  readonly list: boolean;
  readonly help: boolean;
  readonly options: BenchOptions;
}

function positiveInteger(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`--${name} must be a positive integer, got "${text}"`);
  }
  return value;
}

/** Parses the arguments after `run.js`; throws with a usable message on bad input. */
export function parseCommandLine(args: readonly string[], env: NodeJS.ProcessEnv): CommandLine {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      concurrency: { type: 'string' },
      case: { type: 'string', multiple: true },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  return {
    benchmarks: positionals,
    json: values.json,
    list: values.list,
    help: values.help,
    options: {
      redisUrl: env.REDIS_URL ?? DEFAULT_REDIS_URL,
      durationMs: positiveInteger('duration', values.duration, 1000),
      warmupMs: positiveInteger('warmup', values.warmup, 200),
      rounds: positiveInteger('rounds', values.rounds, 9),
      concurrency: positiveInteger('concurrency', values.concurrency, 32),
      cases: values.case ?? [],
    },
  };
}
