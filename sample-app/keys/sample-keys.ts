import type { ConfigService } from '@nestjs/config';
import { KEY_ENV, localKeysFromEnv, type LocalKeyRingOptions } from '../../lib/index.js';
import { devKeys } from './dev-key-file.js';

/**
 * The keys from `ENCRYPTED_REDIS_KEYS` (with `ENCRYPTED_REDIS_PRIMARY_KEY` and
 * `ENCRYPTED_REDIS_RETIRED_KEYS`) when it is set, otherwise the sample's
 * development key file. Only the sample falls back like this: the library
 * itself refuses to start without keys.
 */
export function sampleKeys(config: ConfigService): LocalKeyRingOptions {
  const env = Object.fromEntries(
    Object.values(KEY_ENV).map((name) => [name, config.get<string>(name)]),
  );
  return env[KEY_ENV.keys]?.trim() ? localKeysFromEnv(env) : devKeys();
}
