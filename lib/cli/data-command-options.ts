import { InvalidArgumentError, type Command } from 'commander';
import { CLI_ENV, type ConnectionFlags } from './cli-context.js';

/** Flags shared by the commands that read Redis data. */
export interface DataCommandFlags extends ConnectionFlags {
  readonly keyspace?: string[];
  readonly batchSize?: number;
  readonly maxProblems?: number;
  readonly json?: boolean;
}

export function positiveIntegerArgument(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError('expected a positive integer.');
  }
  return value;
}

export function positiveNumberArgument(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError('expected a positive number.');
  }
  return value;
}

/** Adds the connection, scope and output flags to a command. */
export function addDataCommandOptions(command: Command): Command {
  return command
    .option(
      '--redis-url <url>',
      `Redis URL; comma-separated seed nodes with --cluster (env ${CLI_ENV.redisUrl}; default redis://127.0.0.1:6379)`,
    )
    .option('--cluster', 'connect to a Redis Cluster and walk every master')
    .option(
      '--prefix <prefix>',
      `prefix of the application's keys, its keyPrefix option (env ${CLI_ENV.prefix}; default none)`,
    )
    .option('--keyspace <name...>', 'walk only these keyspaces (entity names); default: all')
    .option(
      '--batch-size <n>',
      'keys per SCAN page and per round trip (default 500)',
      positiveIntegerArgument,
    )
    .option(
      '--max-problems <n>',
      'values left as they were to list in the report (default 1000)',
      positiveIntegerArgument,
    )
    .option('--json', 'print the report as JSON');
}

/** The scan options these flags give, without undefined entries. */
export function scanFlags(flags: DataCommandFlags): {
  keyspaces?: string[];
  batchSize?: number;
  maxProblems?: number;
} {
  return {
    ...(flags.keyspace === undefined ? {} : { keyspaces: flags.keyspace }),
    ...(flags.batchSize === undefined ? {} : { batchSize: flags.batchSize }),
    ...(flags.maxProblems === undefined ? {} : { maxProblems: flags.maxProblems }),
  };
}
