import type { Command } from 'commander';
import { generateKey } from '../keys/generate-key.js';
import { KEY_ENV } from '../keys/key-ring-from-env.js';
import type { CliIo } from './cli-io.js';

/** Output of `keys generate`: one `id:base64` line, or JSON. Secrets go to stdout only, never to logs. */
export function formatGeneratedKey(key: { id: string; key: string }, json: boolean): string {
  return json ? JSON.stringify(key) : `${key.id}:${key.key}`;
}

export function registerKeysCommands(program: Command, io: CliIo): void {
  const keys = program.command('keys').description('manage local encryption keys');
  keys
    .command('generate')
    .description('print a new random 32-byte key as id:base64 (for ENCRYPTED_REDIS_KEYS)')
    .option('--id <id>', 'key id (letters, digits, ".", "_", "-"); default: a short random id')
    .option('--json', 'print {"id", "key"} as JSON')
    .action((options: { id?: string; json?: boolean }) => {
      const key = generateKey(options.id);
      io.out(formatGeneratedKey(key, options.json === true));
      io.err(
        `Key "${key.id}" generated. Add it to ${KEY_ENV.keys} (comma-separated id:key pairs); ` +
          `make it primary with ${KEY_ENV.primary}=${key.id} once every instance holds it. ` +
          'Store it in a secret manager, never in source control.',
      );
    });
}
