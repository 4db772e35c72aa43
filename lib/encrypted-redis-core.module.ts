import { Global, Logger, Module } from '@nestjs/common';
import { ENCRYPTED_REDIS_CLIENT, ENCRYPTED_REDIS_KEY_RING } from './encrypted-redis.constants.js';
import {
  ENCRYPTED_REDIS_CONNECTION,
  ENCRYPTED_REDIS_OWNED_KEY_RING,
} from './encrypted-redis.internal-constants.js';
import {
  ENCRYPTED_REDIS_MODULE_OPTIONS,
  EncryptedRedisConfigurableModule,
} from './encrypted-redis.module-definition.js';
import { EncryptedRedisService, type KeyRingHandle } from './encrypted-redis.service.js';
import { ConfigurationError } from './errors/configuration.error.js';
import type { EncryptedRedisModuleOptions } from './interfaces/encrypted-redis-options.interface.js';
import { localKeysFromEnv } from './keys/key-ring-from-env.js';
import { LocalKeyRing } from './keys/local-key-ring.js';
import { createRedisClient, type RedisConnectionHandle } from './redis/create-redis-client.js';

function checkOptions(options: EncryptedRedisModuleOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('the options must be an object');
  }
  if (options.keyPrefix !== undefined && typeof options.keyPrefix !== 'string') {
    throw new ConfigurationError('`keyPrefix` must be a string');
  }
  const policy = options.legacyPlaintext;
  if (policy !== undefined && policy !== 'reject' && policy !== 'read') {
    throw new ConfigurationError("`legacyPlaintext` must be 'reject' or 'read'");
  }
}

function createKeyRing(options: EncryptedRedisModuleOptions): KeyRingHandle {
  checkOptions(options);
  if (options.keyRing !== undefined) return { keyRing: options.keyRing, owned: false };
  return { keyRing: new LocalKeyRing(options.keys ?? localKeysFromEnv()), owned: true };
}

function openConnection(options: EncryptedRedisModuleOptions): RedisConnectionHandle {
  const handle = createRedisClient(options.connection);
  if (handle.owned) {
    const logger = new Logger('EncryptedRedis');
    handle.client.on('error', (error: Error) => logger.warn(`Redis connection: ${error.message}`));
  }
  return handle;
}

/** Global module owning the Redis client and the key ring; imported once by `forRoot`. */
@Global()
@Module({
  providers: [
    {
      provide: ENCRYPTED_REDIS_OWNED_KEY_RING,
      useFactory: createKeyRing,
      inject: [ENCRYPTED_REDIS_MODULE_OPTIONS],
    },
    {
      // Depends on the key ring so that a bad key fails startup before any connection opens.
      provide: ENCRYPTED_REDIS_CONNECTION,
      useFactory: (options: EncryptedRedisModuleOptions) => openConnection(options),
      inject: [ENCRYPTED_REDIS_MODULE_OPTIONS, ENCRYPTED_REDIS_OWNED_KEY_RING],
    },
    {
      provide: ENCRYPTED_REDIS_CLIENT,
      useFactory: (connection: RedisConnectionHandle) => connection.client,
      inject: [ENCRYPTED_REDIS_CONNECTION],
    },
    {
      provide: ENCRYPTED_REDIS_KEY_RING,
      useFactory: (handle: KeyRingHandle) => handle.keyRing,
      inject: [ENCRYPTED_REDIS_OWNED_KEY_RING],
    },
    EncryptedRedisService,
  ],
  exports: [ENCRYPTED_REDIS_CLIENT, ENCRYPTED_REDIS_KEY_RING, EncryptedRedisService],
})
export class EncryptedRedisCoreModule extends EncryptedRedisConfigurableModule {}
