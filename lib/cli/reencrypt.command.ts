import type { Command } from 'commander';
import { reencrypt } from '../operations/reencrypt-job.js';
import { openCliContext, withRedis } from './cli-context.js';
import type { CliIo } from './cli-io.js';
import {
  addDataCommandOptions,
  positiveIntegerArgument,
  positiveNumberArgument,
  scanFlags,
  type DataCommandFlags,
} from './data-command-options.js';
import { CliError, ExitCode } from './exit-codes.js';
import { progressView } from './progress-bar.js';
import { reencryptReportText } from './report-text.js';

interface ReencryptFlags extends DataCommandFlags {
  readonly dryRun?: boolean;
  readonly adoptPlaintext?: boolean;
  readonly job?: string;
  readonly restart?: boolean;
  readonly rate?: number;
  readonly attempts?: number;
  readonly progress?: boolean;
}

/** Stops the job between two pages on Ctrl-C or SIGTERM; the checkpoint keeps its place. */
function interruption(): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    release: () => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
    },
  };
}

async function runReencrypt(flags: ReencryptFlags, io: CliIo): Promise<void> {
  const context = await openCliContext(flags, 'required');
  const progress = progressView(flags.progress ?? process.stderr.isTTY === true);
  const stopping = interruption();
  try {
    const report = await reencrypt({
      client: context.client,
      keyRing: context.keyRing!,
      keyPrefix: context.prefix,
      ...scanFlags(flags),
      dryRun: flags.dryRun === true,
      adoptPlaintext: flags.adoptPlaintext === true,
      restart: flags.restart === true,
      ...(flags.job === undefined ? {} : { job: flags.job }),
      ...(flags.rate === undefined ? {} : { keysPerSecond: flags.rate }),
      ...(flags.attempts === undefined ? {} : { attempts: flags.attempts }),
      signal: stopping.signal,
      onProgress: (update) => progress.update(update),
    });
    progress.stop(report.outcome !== 'interrupted');
    if (report.keys.entities === 0) {
      io.err(
        `warning: no entity was found under the prefix "${context.prefix}"; check --prefix ` +
          '(ENCRYPTED_REDIS_PREFIX) and --keyspace',
      );
    }
    if (flags.json === true) io.out(JSON.stringify(report, null, 2));
    else for (const line of reencryptReportText(report)) io.out(line);
    if (report.outcome === 'interrupted') {
      throw new CliError(
        'interrupted; run the same command again to continue from the checkpoint',
        ExitCode.Interrupted,
      );
    }
    if (report.outcome === 'partial') {
      throw new CliError(
        'partial: some values were left as they were; the report names them',
        ExitCode.Partial,
      );
    }
  } finally {
    progress.stop(false);
    stopping.release();
    await context.close();
  }
}

export function registerReencryptCommand(program: Command, io: CliIo): void {
  const command = program
    .command('reencrypt')
    .description(
      'seal every value again under the primary key, online, resumable; keys from ENCRYPTED_REDIS_KEYS, ENCRYPTED_REDIS_PRIMARY_KEY and ENCRYPTED_REDIS_RETIRED_KEYS',
    );
  addDataCommandOptions(command)
    .option('--dry-run', 'find and count everything, write nothing (not even a checkpoint)')
    .option('--adopt-plaintext', 'seal clear values found in sealed fields (default: report them)')
    .option(
      '--job <name>',
      'job name: its checkpoint is <prefix>__ner:job:<name> (default reencrypt)',
    )
    .option('--restart', "discard the job's checkpoint and start from the beginning")
    .option(
      '--rate <keys-per-second>',
      'scan at most this many keys per second',
      positiveNumberArgument,
    )
    .option(
      '--attempts <n>',
      'compare-and-set attempts for a record the application keeps changing (default 3)',
      positiveIntegerArgument,
    )
    .option('--progress', 'show a progress bar on stderr even when it is not a terminal')
    .option('--no-progress', 'never show a progress bar')
    .action((flags: ReencryptFlags) => withRedis(() => runReencrypt(flags, io)));
}
