import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { EncryptedRedisModuleOptions } from './interfaces/encrypted-redis-options.interface.js';

export const {
  ConfigurableModuleClass: EncryptedRedisConfigurableModule,
  MODULE_OPTIONS_TOKEN: ENCRYPTED_REDIS_MODULE_OPTIONS,
  OPTIONS_TYPE: ENCRYPTED_REDIS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: ENCRYPTED_REDIS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<EncryptedRedisModuleOptions>({ moduleName: 'EncryptedRedis' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createEncryptedRedisOptions')
  .build();

/** Implemented by a class given to `forRootAsync({ useClass })` or `useExisting`. */
export interface EncryptedRedisOptionsFactory {
  createEncryptedRedisOptions(): EncryptedRedisModuleOptions | Promise<EncryptedRedisModuleOptions>;
}
