import { Command, CommanderError } from 'commander';
import { EncryptedRedisError } from '../errors/encrypted-redis.error.js';
import { ErrorCode } from '../errors/error-codes.js';
import { processIo, type CliIo } from './cli-io.js';
import { CliError, ExitCode } from './exit-codes.js';
import { registerKeysCommands } from './keys.command.js';
import { packageVersion } from './package-version.js';
import { registerKmsCommands } from './kms.command.js';
import { registerReencryptCommand } from './reencrypt.command.js';
import { registerStatusCommand } from './status.command.js';

/** Builds the `encrypted-redis` command. Parsing only: every command calls library functions. */
export function buildProgram(io: CliIo = processIo): Command {
  const program = new Command('encrypted-redis')
    .description('Keys, rotation, re-encryption and status for nest-encrypted-redis data')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(text.trimEnd()),
    });
  registerKeysCommands(program, io);
  registerStatusCommand(program, io);
  registerReencryptCommand(program, io);
  registerKmsCommands(program, io);
  return program;
}

const USAGE_CODES = new Set<string>([
  ErrorCode.Configuration,
  ErrorCode.KeyConfiguration,
  ErrorCode.EntityDefinition,
  ErrorCode.OperationOptions,
  ErrorCode.Checkpoint,
]);

/** Maps a failure to its exit status; prints one line, never a value or a key. */
export function exitCodeFor(error: unknown, io: CliIo = processIo): ExitCode {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
  }
  if (error instanceof CliError) {
    io.err(`error: ${error.message}`);
    return error.exitCode;
  }
  if (error instanceof EncryptedRedisError) {
    io.err(`error [${error.code}]: ${error.message}`);
    if (USAGE_CODES.has(error.code)) return ExitCode.Usage;
    return error.code === ErrorCode.KeyUnavailable ? ExitCode.KeyUnavailable : ExitCode.Failure;
  }
  io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
  return ExitCode.Failure;
}

/** Runs the CLI with these arguments (without `node` and the script) and resolves to the exit status. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<ExitCode> {
  try {
    await buildProgram(io).parseAsync([...argv], { from: 'user' });
    return ExitCode.Ok;
  } catch (error) {
    return exitCodeFor(error, io);
  }
}
