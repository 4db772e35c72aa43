import type { ConfigService } from '@nestjs/config';
import type { EncryptedRedisModuleOptions } from '../../lib/index.js';
import { sampleKeys, sampleKms } from '../keys/sample-keys.js';
import { sampleSettings } from './sample-settings.js';

/**
 * Options of `EncryptedRedisModule.forRootAsync`, built from ConfigService:
 * AWS KMS envelope encryption when `ENCRYPTED_REDIS_KMS_KEY_ID` is set,
 * local keys otherwise.
 */
export function encryptedRedisOptions(config: ConfigService): EncryptedRedisModuleOptions {
  const { redisUrl, keyPrefix } = sampleSettings(config);
  const kms = sampleKms(config);
  if (kms !== undefined) return { connection: redisUrl, keyPrefix, kms };
  return { connection: redisUrl, keyPrefix, keys: sampleKeys(config) };
}
