import type { LoggerService } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Redis } from 'ioredis';
import {
  EncryptedRedisModule,
  EncryptedRedisService,
  getEncryptedRepositoryToken,
  type EncryptedRedisModuleOptions,
  type EncryptedRepository,
} from '../../lib/index.js';
import { cleanPrefix, testClient, testPrefix } from './redis.js';
import { singleKey } from './keys.js';

type Class<T = object> = abstract new (...args: never[]) => T;

/** A Nest application with the module configured against the test Redis under a fresh prefix. */
export interface FixtureApp {
  readonly module: TestingModule;
  readonly prefix: string;
  /** A separate raw client, for looking at what Redis holds. */
  readonly raw: Redis;
  repository<T extends object>(entity: Class<T>): EncryptedRepository<T>;
  /** Cleans the prefix, then closes everything. */
  close(): Promise<void>;
  /** Closes everything but leaves the data, for restarting with other options. */
  stop(): Promise<void>;
}

export async function startFixtureApp(
  entities: Class[],
  options: Partial<EncryptedRedisModuleOptions> = {},
  logger?: LoggerService,
): Promise<FixtureApp> {
  const prefix = options.keyPrefix ?? testPrefix();
  const builder = Test.createTestingModule({
    imports: [
      EncryptedRedisModule.forRoot({
        connection: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        keys: singleKey(),
        ...options,
        keyPrefix: prefix,
      }),
      EncryptedRedisModule.forFeature(entities),
    ],
  });
  if (logger) builder.setLogger(logger);
  const module = await builder.compile();
  await module.init();
  const raw = testClient();
  return {
    module,
    prefix,
    raw,
    repository: <T extends object>(entity: Class<T>) =>
      module.get<EncryptedRepository<T>>(getEncryptedRepositoryToken(entity)),
    close: async () => {
      // Schemas are published in the background at startup; let them land before cleaning.
      await module.get(EncryptedRedisService).schemasPublished();
      await cleanPrefix(raw, prefix);
      await raw.quit();
      await module.close();
    },
    stop: async () => {
      await raw.quit();
      await module.close();
    },
  };
}
