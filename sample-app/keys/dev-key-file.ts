import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@nestjs/common';
import {
  generateKey,
  KEY_ENV,
  localKeysFromEnv,
  type LocalKeyRingOptions,
} from '../../lib/index.js';

const logger = new Logger('DevKeys');

const BANNER = '!!! DEVELOPMENT KEY - NOT FOR PRODUCTION !!!';
const PRODUCTION_HINT =
  `In production set ${KEY_ENV.keys} from a secret store ` +
  '(generate a key with `npx encrypted-redis keys generate`).';

/** `sample-app/.dev-keys` of this package, whether the app runs from source or from `dist/`. */
export function devKeyFilePath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('the sample app cannot find the package.json above it');
    dir = parent;
  }
  return join(dir, 'sample-app', '.dev-keys');
}

function createKeyFile(file: string): string | undefined {
  const { id, key } = generateKey();
  const text = [
    '# Development encryption key of the nest-encrypted-redis sample app.',
    '# NOT for production: whoever reads this file can read the data sealed with it.',
    '# Deleting it makes the data sealed with it unreadable.',
    `${KEY_ENV.keys}=${id}:${key}`,
    '',
  ].join('\n');
  try {
    // `wx` never overwrites: when another process created the file first, its key is used.
    writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
  // The umask may only narrow the mode given above; make it exactly 0600.
  chmodSync(file, 0o600);
  logger.warn(
    `${BANNER}\n${KEY_ENV.keys} is not set, so a new development key "${id}" was written to ` +
      `${file} (mode 0600) and will be reused on later runs. This key must not be used in ` +
      `production. ${PRODUCTION_HINT}`,
  );
  return text;
}

function readKeyFile(file: string): string {
  if ((statSync(file).mode & 0o077) !== 0) {
    logger.warn(`${file} can be read by other users; restrict it with \`chmod 600 ${file}\`.`);
  }
  return readFileSync(file, 'utf8');
}

/**
 * Keys for running the sample without configuration: the key in
 * `sample-app/.dev-keys`, created (mode 0600) on first use.
 */
export function devKeys(file = devKeyFilePath()): LocalKeyRingOptions {
  const created = existsSync(file) ? undefined : createKeyFile(file);
  const text = created ?? readKeyFile(file);
  const assignment = `${KEY_ENV.keys}=`;
  const value = text
    .split('\n')
    .find((line) => line.startsWith(assignment))
    ?.slice(assignment.length);
  if (value === undefined) {
    throw new Error(
      `${file} holds no ${assignment} line; delete it to create a new development key`,
    );
  }
  if (created === undefined) {
    const id = value.slice(0, value.indexOf(':'));
    logger.warn(`${BANNER}\nUsing development key "${id}" from ${file}. ${PRODUCTION_HINT}`);
  }
  return localKeysFromEnv({ [KEY_ENV.keys]: value });
}
