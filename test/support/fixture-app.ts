import { Test, type TestingModule } from '@nestjs/testing';
import type { Redis } from 'ioredis';
import {
  EncryptedRedisModule,
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
  close(): Promise<void>;
}

export async function startFixtureApp(
  entities: Class[],
  options: Partial<EncryptedRedisModuleOptions> = {},
): Promise<FixtureApp> {
  const prefix = options.keyPrefix ?? testPrefix();
  const module = await Test.createTestingModule({
    imports: [
      EncryptedRedisModule.forRoot({
        connection: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        keys: singleKey(),
        ...options,
        keyPrefix: prefix,
      }),
      EncryptedRedisModule.forFeature(entities),
    ],
  }).compile();
  await module.init();
  const raw = testClient();
  return {
    module,
    prefix,
    raw,
    repository: <T extends object>(entity: Class<T>) =>
      module.get<EncryptedRepository<T>>(getEncryptedRepositoryToken(entity)),
    close: async () => {
      await cleanPrefix(raw, prefix);
      await raw.quit();
      await module.close();
    },
  };
}
