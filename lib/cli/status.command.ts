import type { Command } from 'commander';
import { collectStatus } from '../operations/key-status.js';
import { openCliContext, withRedis } from './cli-context.js';
import type { CliIo } from './cli-io.js';
import { addDataCommandOptions, scanFlags, type DataCommandFlags } from './data-command-options.js';
import { CliError, ExitCode } from './exit-codes.js';
import { statusReportText } from './report-text.js';

interface StatusFlags extends DataCommandFlags {
  readonly verify?: boolean;
  readonly check?: boolean;
}

async function runStatus(flags: StatusFlags, io: CliIo): Promise<void> {
  const needsKeys = flags.verify === true || flags.check === true;
  const context = await openCliContext(flags, needsKeys ? 'required' : 'optional');
  try {
    const report = await collectStatus({
      client: context.client,
      keyPrefix: context.prefix,
      ...(context.keyRing === undefined ? {} : { keyRing: context.keyRing }),
      verify: flags.verify === true,
      ...scanFlags(flags),
    });
    if (flags.json === true) io.out(JSON.stringify(report, null, 2));
    else for (const line of statusReportText(report)) io.out(line);
    if (flags.check === true && report.keys.entities === 0) {
      throw new CliError(
        `no entity was found under the prefix "${context.prefix}"; nothing was checked. ` +
          'Check --prefix (ENCRYPTED_REDIS_PREFIX) and --keyspace',
        ExitCode.Partial,
      );
    }
    if (flags.check === true && report.allUnderPrimary !== true) {
      throw new CliError(
        `not every value is under the primary key ${report.primaryKeyId ?? ''}`.trimEnd(),
        ExitCode.Partial,
      );
    }
  } finally {
    await context.close();
  }
}

export function registerStatusCommand(program: Command, io: CliIo): void {
  const command = program
    .command('status')
    .description(
      'count sealed values by key id, clear values in sealed fields and values that cannot be opened (read-only)',
    );
  addDataCommandOptions(command)
    .option(
      '--verify',
      'open every value (needs the keys): finds values that do not open and counts values nested in sealed values',
    )
    .option(
      '--check',
      'exit with status 4 unless every value is sealed under the primary key (needs the keys)',
    )
    .action((flags: StatusFlags) => withRedis(() => runStatus(flags, io)));
}
