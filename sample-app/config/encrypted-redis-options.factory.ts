import type { ConfigService } from '@nestjs/config';
import type { EncryptedRedisModuleOptions } from '../../lib/index.js';
import { sampleKeys } from '../keys/sample-keys.js';
import { sampleSettings } from './sample-settings.js';

/** Options of `EncryptedRedisModule.forRootAsync`, built from ConfigService. */
export function encryptedRedisOptions(config: ConfigService): EncryptedRedisModuleOptions {
  const { redisUrl, keyPrefix } = sampleSettings(config);
  return { connection: redisUrl, keyPrefix, keys: sampleKeys(config) };
}
