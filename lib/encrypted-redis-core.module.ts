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
import { KEY_ENV, localKeysFromEnv } from './keys/key-ring-from-env.js';
import type { KeyRing } from './keys/key-ring.interface.js';
import { LocalKeyRing } from './keys/local-key-ring.js';
import { KmsKeyRing } from './kms/kms-key-ring.js';
import type { KmsKeyRingOptions } from './kms/kms-key-ring-options.interface.js';
import {
  KMS_ENV,
  kmsConfiguredInEnv,
  kmsKeyRingOptionsFromEnv,
} from './kms/kms-options-from-env.js';
import { resolveKmsSettings } from './kms/kms-settings.js';
import { createRedisClient, type RedisConnectionHandle } from './redis/create-redis-client.js';
import type { RedisClient } from './repository/redis-client.js';

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
  const wait = options.waitForReplicas;
  if (
    wait !== undefined &&
    !(Number.isInteger(wait.replicas) && wait.replicas >= 1 && (wait.timeoutMs ?? 1) > 0)
  ) {
    throw new ConfigurationError(
      '`waitForReplicas.replicas` must be a positive integer and `timeoutMs` a positive number',
    );
  }
  if (options.kms !== undefined) {
    if (options.keys !== undefined || options.keyRing !== undefined) {
      throw new ConfigurationError(
        '`kms` cannot be combined with `keys` or `keyRing`; give one source of keys',
      );
    }
    resolveKmsSettings(options.kms);
  }
}

/** KMS options from the module options or, when no keys are configured at all, the environment. */
function kmsOptionsOf(options: EncryptedRedisModuleOptions): KmsKeyRingOptions | undefined {
  if (options.kms !== undefined) return options.kms;
  if (options.keys !== undefined || !kmsConfiguredInEnv()) return undefined;
  if (process.env[KEY_ENV.keys]?.trim()) {
    throw new ConfigurationError(
      `both ${KMS_ENV.keyId} and ${KEY_ENV.keys} are set; unset one of them`,
    );
  }
  return kmsKeyRingOptionsFromEnv();
}

function buildKeyRing(options: EncryptedRedisModuleOptions, client: RedisClient): KeyRing {
  const kms = kmsOptionsOf(options);
  if (kms === undefined) return new LocalKeyRing(options.keys ?? localKeysFromEnv());
  return new KmsKeyRing({
    ...kms,
    redis: kms.redis ?? client,
    keyPrefix: kms.keyPrefix ?? options.keyPrefix ?? '',
  });
}

/**
 * The user's key ring, or one built from the options. A connection created
 * for the module is lazy, so a bad local key fails startup before it is used;
 * it is closed again when the ring cannot be built.
 */
function createKeyRing(
  options: EncryptedRedisModuleOptions,
  connection: RedisConnectionHandle,
): KeyRingHandle {
  if (options.keyRing !== undefined) return { keyRing: options.keyRing, owned: false };
  try {
    return { keyRing: buildKeyRing(options, connection.client), owned: true };
  } catch (error) {
    if (connection.owned) connection.client.disconnect();
    throw error;
  }
}

function openConnection(options: EncryptedRedisModuleOptions): RedisConnectionHandle {
  checkOptions(options);
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
      // Created lazily: no socket opens before the key ring below is built.
      provide: ENCRYPTED_REDIS_CONNECTION,
      useFactory: openConnection,
      inject: [ENCRYPTED_REDIS_MODULE_OPTIONS],
    },
    {
      // A KMS key ring keeps its data-key registry in Redis, so it comes after the connection.
      provide: ENCRYPTED_REDIS_OWNED_KEY_RING,
      useFactory: createKeyRing,
      inject: [ENCRYPTED_REDIS_MODULE_OPTIONS, ENCRYPTED_REDIS_CONNECTION],
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
