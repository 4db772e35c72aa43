import type { ConfigService } from '@nestjs/config';
import {
  KEY_ENV,
  KMS_ENV,
  kmsKeyRingOptionsFromEnv,
  localKeysFromEnv,
  type KmsKeyRingOptions,
  type LocalKeyRingOptions,
} from '../../lib/index.js';
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

/**
 * AWS KMS options when `ENCRYPTED_REDIS_KMS_KEY_ID` is set (with
 * `ENCRYPTED_REDIS_KMS_ENDPOINT` for the fake endpoint of `npm run kms:fake`,
 * `AWS_REGION`, ...), else `undefined`. Credentials come from the AWS SDK's
 * default chain (`AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, profiles, roles).
 */
export function sampleKms(config: ConfigService): KmsKeyRingOptions | undefined {
  const env = Object.fromEntries(
    [...Object.values(KMS_ENV), 'AWS_DEFAULT_REGION'].map((name) => [
      name,
      config.get<string>(name),
    ]),
  );
  if (!env[KMS_ENV.keyId]?.trim()) return undefined;
  // The same variables as the encrypted-redis command reads, so that both open the same data keys.
  return kmsKeyRingOptionsFromEnv(env);
}
