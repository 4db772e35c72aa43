import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { getEncryptedRepositoryToken } from './common/encrypted-redis.utils.js';
import { EncryptedRedisCoreModule } from './encrypted-redis-core.module.js';
import type {
  ENCRYPTED_REDIS_ASYNC_OPTIONS_TYPE,
  ENCRYPTED_REDIS_OPTIONS_TYPE,
} from './encrypted-redis.module-definition.js';
import { EncryptedRedisService } from './encrypted-redis.service.js';
import type { Class } from './metadata/declared-type.js';

/**
 * Keeps `@Encrypted` fields of Redis entities sealed at rest.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     EncryptedRedisModule.forRoot({ connection: process.env.REDIS_URL }),
 *     EncryptedRedisModule.forFeature([Patient]),
 *   ],
 * })
 * export class AppModule {}
 * ```
 */
@Module({})
export class EncryptedRedisModule {
  /** Configures the connection and keys once, for the whole application. */
  static forRoot(options: typeof ENCRYPTED_REDIS_OPTIONS_TYPE = {}): DynamicModule {
    return { module: EncryptedRedisModule, imports: [EncryptedRedisCoreModule.forRoot(options)] };
  }

  /** Like `forRoot`, with options from a factory, class or existing provider (for example ConfigService). */
  static forRootAsync(options: typeof ENCRYPTED_REDIS_ASYNC_OPTIONS_TYPE): DynamicModule {
    return {
      module: EncryptedRedisModule,
      imports: [EncryptedRedisCoreModule.forRootAsync(options)],
    };
  }

  /**
   * Registers repositories for these entity classes in the importing module.
   * Each class is validated here: a class that cannot be stored fails startup.
   */
  static forFeature(entities: readonly Class[]): DynamicModule {
    const providers: Provider[] = entities.map((entity) => ({
      provide: getEncryptedRepositoryToken(entity),
      useFactory: (service: EncryptedRedisService) =>
        service.getRepository(entity as Class<object>),
      inject: [EncryptedRedisService],
    }));
    return { module: EncryptedRedisModule, providers, exports: providers };
  }
}
