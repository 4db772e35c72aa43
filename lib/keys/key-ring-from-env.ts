import { KeyConfigurationError } from '../errors/key-configuration.error.js';
import { messages } from '../errors/error-messages.js';
import type { LocalKeyEntry, LocalKeyRingOptions } from './local-key-ring.js';

/** Environment variables read by {@link localKeysFromEnv}. */
export const KEY_ENV = {
  /** Comma-separated `id:base64key` pairs. */
  keys: 'ENCRYPTED_REDIS_KEYS',
  /** Id of the primary key; optional when only one key is given. */
  primary: 'ENCRYPTED_REDIS_PRIMARY_KEY',
  /** Comma-separated ids refused for decryption. */
  retired: 'ENCRYPTED_REDIS_RETIRED_KEYS',
} as const;

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/**
 * Reads local keys from the environment:
 * `ENCRYPTED_REDIS_KEYS=k2:BASE64,k1:BASE64`, `ENCRYPTED_REDIS_PRIMARY_KEY=k2`,
 * `ENCRYPTED_REDIS_RETIRED_KEYS=k0`.
 */
export function localKeysFromEnv(env: NodeJS.ProcessEnv = process.env): LocalKeyRingOptions {
  const entries: LocalKeyEntry[] = list(env[KEY_ENV.keys]).map((pair, index) => {
    const separator = pair.indexOf(':');
    if (separator <= 0) {
      throw new KeyConfigurationError(
        undefined,
        `entry ${index + 1} of ${KEY_ENV.keys} is not of the form id:base64key`,
      );
    }
    return { id: pair.slice(0, separator), key: pair.slice(separator + 1) };
  });
  if (entries.length === 0) throw new KeyConfigurationError(undefined, messages.noKeys());
  const primary = env[KEY_ENV.primary]?.trim();
  return {
    keys: entries,
    ...(primary ? { primary } : {}),
    retired: list(env[KEY_ENV.retired]),
  };
}
