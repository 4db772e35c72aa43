import { InvalidArgumentError, type Command } from 'commander';
import {
  listDataKeys,
  retireDataKeys,
  rewrapDataKeys,
  type DataKeySkip,
  type DataKeySummary,
} from '../kms/data-key-maintenance.js';
import { KmsKeyRing } from '../kms/kms-key-ring.js';
import { KMS_ENV } from '../kms/kms-options-from-env.js';
import { CLI_ENV, openCliContext, withRedis, type ConnectionFlags } from './cli-context.js';
import type { CliIo } from './cli-io.js';
import { CliError, ExitCode } from './exit-codes.js';

interface KmsFlags extends ConnectionFlags {
  readonly json?: boolean;
}

interface RewrapFlags extends KmsFlags {
  readonly to?: string;
  readonly id?: string[];
  readonly from?: string;
  readonly decryptEncrypt?: boolean;
}

interface RetireFlags extends KmsFlags {
  readonly id?: string[];
  readonly before?: Date;
  readonly shred?: boolean;
  readonly force?: boolean;
}

function dateArgument(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('expected an ISO date.');
  return date;
}

/** Opens Redis and the KMS key ring from the environment, runs `work`, closes both. */
async function withKmsRing<T>(flags: KmsFlags, work: (ring: KmsKeyRing) => Promise<T>): Promise<T> {
  const context = await openCliContext(flags, 'required');
  try {
    if (!(context.keyRing instanceof KmsKeyRing)) {
      throw new CliError(`kms commands need ${KMS_ENV.keyId} (and AWS_REGION)`, ExitCode.Usage);
    }
    return await work(context.keyRing);
  } finally {
    await context.close();
  }
}

function summaryLine(key: DataKeySummary): string {
  const times = [
    `created ${key.createdAt.toISOString()}`,
    ...(key.rewrappedAt === undefined ? [] : [`rewrapped ${key.rewrappedAt.toISOString()}`]),
    ...(key.retiredAt === undefined ? [] : [`retired ${key.retiredAt.toISOString()}`]),
  ];
  const state = key.recoverable ? key.state : `${key.state}, shredded`;
  return `${key.id}  ${state}  ${key.kmsKeyArn}  ${times.join(', ')}`;
}

function printSkips(io: CliIo, skipped: readonly DataKeySkip[]): void {
  for (const skip of skipped) io.out(`skipped ${skip.id}: ${skip.reason}`);
}

/** Exit 4 when some selected data keys were left as they were. */
function partialUnless(skipped: readonly DataKeySkip[], allowed: (skip: DataKeySkip) => boolean) {
  if (skipped.some((skip) => !allowed(skip))) {
    throw new CliError('some data keys were left as they were (see above)', ExitCode.Partial);
  }
}

function addConnectionOptions(command: Command): Command {
  return command
    .option('--redis-url <url>', `Redis URL (env ${CLI_ENV.redisUrl})`)
    .option('--cluster', 'connect to a Redis Cluster')
    .option('--prefix <prefix>', `the application's keyPrefix (env ${CLI_ENV.prefix})`)
    .option('--json', 'print JSON');
}

export function registerKmsCommands(program: Command, io: CliIo): void {
  const kms = program
    .command('kms')
    .description(
      `AWS KMS data keys in the registry (needs ${KMS_ENV.keyId}; AWS credentials as usual)`,
    );
  addConnectionOptions(
    kms.command('list').description('list data keys: never their key bytes'),
  ).action((flags: KmsFlags) =>
    withRedis(() =>
      withKmsRing(flags, async (ring) => {
        const keys = await listDataKeys(ring);
        if (flags.json === true) io.out(JSON.stringify(keys, null, 2));
        else for (const key of keys) io.out(summaryLine(key));
        io.err(`${keys.length} data key(s) in ${ring.registry.key}`);
      }),
    ),
  );
  addConnectionOptions(
    kms
      .command('rewrap')
      .description('wrap data keys again under a KMS key, without touching data'),
  )
    .option('--to <keyId>', `KMS key to wrap under (default: ${KMS_ENV.keyId})`)
    .option('--id <id...>', 'only these data keys')
    .option('--from <arn>', 'only data keys now wrapped under this KMS key ARN')
    .option('--decrypt-encrypt', 'use Decrypt + Encrypt instead of ReEncrypt')
    .action((flags: RewrapFlags) =>
      withRedis(() =>
        withKmsRing(flags, async (ring) => {
          const result = await rewrapDataKeys(ring, {
            ...(flags.to === undefined ? {} : { toKeyId: flags.to }),
            ...(flags.id === undefined ? {} : { ids: flags.id }),
            ...(flags.from === undefined ? {} : { fromKeyArn: flags.from }),
            method: flags.decryptEncrypt === true ? 'decrypt-encrypt' : 'reencrypt',
          });
          if (flags.json === true) io.out(JSON.stringify(result, null, 2));
          else {
            for (const id of result.rewrapped) io.out(`rewrapped ${id}`);
            printSkips(io, result.skipped);
          }
          io.err(
            `${result.rewrapped.length} data key(s) rewrapped, ${result.skipped.length} skipped`,
          );
          partialUnless(result.skipped, (skip) => skip.reason.startsWith('already wrapped'));
        }),
      ),
    );
  addConnectionOptions(
    kms.command('retire').description('refuse data keys from now on (after re-encryption)'),
  )
    .option('--id <id...>', 'these data keys')
    .option('--before <date>', 'every data key created before this ISO date', dateArgument)
    .option('--shred', 'also delete the wrapped keys: their values never open again (irreversible)')
    .option(
      '--force',
      'also retire keys younger than the cache max age (an instance may seal with them)',
    )
    .action((flags: RetireFlags) =>
      withRedis(() =>
        withKmsRing(flags, async (ring) => {
          if (flags.id === undefined && flags.before === undefined) {
            throw new CliError('give --id or --before', ExitCode.Usage);
          }
          const result = await retireDataKeys(ring, {
            ...(flags.id === undefined ? {} : { ids: flags.id }),
            ...(flags.before === undefined ? {} : { createdBefore: flags.before }),
            shred: flags.shred === true,
            force: flags.force === true,
          });
          if (flags.json === true) io.out(JSON.stringify(result, null, 2));
          else {
            for (const id of result.retired) io.out(`retired ${id}`);
            printSkips(io, result.skipped);
          }
          io.err(`${result.retired.length} data key(s) retired, ${result.skipped.length} skipped`);
          partialUnless(result.skipped, (skip) => skip.reason === 'already retired');
        }),
      ),
    );
  addConnectionOptions(
    kms
      .command('rotate-index-key')
      .description(
        'register a new blind-index key (then run reencrypt, then retire the old idx.<n>)',
      ),
  ).action((flags: KmsFlags) =>
    withRedis(() =>
      withKmsRing(flags, async (ring) => {
        const id = await ring.rotateIndexKey();
        if (flags.json === true) io.out(JSON.stringify({ indexKeyId: id }));
        else io.out(`index key ${id} registered; new index tokens are written under it`);
        io.err('Run `encrypted-redis reencrypt` to rebuild existing index entries under it.');
      }),
    ),
  );
}
