import { once } from 'node:events';
import { Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import {
  ConfigurationError,
  Encrypted,
  EncryptedRedisModule,
  EncryptedRedisService,
  ENCRYPTED_REDIS_CLIENT,
  InjectEncryptedRedisClient,
  InjectEncryptedRepository,
  LocalKeyRing,
  RedisEntity,
  type EncryptedRedisModuleOptions,
  type EncryptedRedisOptionsFactory,
  type EncryptedRepository,
} from '../lib/index.js';
import { CaptureLogger } from './support/capture-logger.js';
import { singleKey, testKey } from './support/keys.js';
import { cleanPrefix, REDIS_URL, testClient, testPrefix } from './support/redis.js';
import { rejectionOf } from './support/rejection.js';

@RedisEntity('mod-notes')
class Note {
  id!: string;
  @Encrypted() body!: string;
}

@Injectable()
class NotesService {
  constructor(
    @InjectEncryptedRepository(Note) readonly notes: EncryptedRepository<Note>,
    @InjectEncryptedRedisClient() readonly client: Redis,
  ) {}
}

@Module({
  imports: [EncryptedRedisModule.forFeature([Note])],
  providers: [NotesService],
  exports: [NotesService],
})
class NotesModule {}

describe('EncryptedRedisModule', () => {
  const prefix = testPrefix();
  const raw = testClient();

  afterAll(async () => {
    await cleanPrefix(raw, prefix);
    await raw.quit();
  });

  async function boot(
    root: ReturnType<typeof EncryptedRedisModule.forRoot>,
    logger?: CaptureLogger,
  ) {
    const builder = Test.createTestingModule({ imports: [root, NotesModule] });
    if (logger) builder.setLogger(logger);
    const module = await builder.compile();
    await module.init();
    return module;
  }

  it('configures itself from ConfigService with forRootAsync and injects repositories into feature modules', async () => {
    const module = await boot(
      EncryptedRedisModule.forRootAsync({
        imports: [
          ConfigModule.forRoot({
            ignoreEnvFile: true,
            load: [() => ({ REDIS: REDIS_URL, PREFIX: prefix })],
          }),
        ],
        inject: [ConfigService],
        useFactory: (config: ConfigService): EncryptedRedisModuleOptions => ({
          connection: config.getOrThrow<string>('REDIS'),
          keyPrefix: config.getOrThrow<string>('PREFIX'),
          keys: singleKey(),
        }),
      }),
    );
    const { notes } = module.get(NotesService);
    await notes.save({ id: 'n1', body: 'hello' });
    expect((await notes.findById('n1'))!.body).toBe('hello');
    expect(await raw.hget(notes.keyOf('n1'), 'body')).not.toContain('hello');
    await module.close();
  });

  it('accepts an options factory class with forRootAsync', async () => {
    @Injectable()
    class OptionsFactory implements EncryptedRedisOptionsFactory {
      createEncryptedRedisOptions(): EncryptedRedisModuleOptions {
        return { connection: REDIS_URL, keyPrefix: prefix, keys: singleKey() };
      }
    }
    const module = await boot(EncryptedRedisModule.forRootAsync({ useClass: OptionsFactory }));
    expect(await module.get(NotesService).notes.exists('nothing')).toBe(false);
    await module.close();
  });

  it('closes the client it created when the application shuts down', async () => {
    const module = await boot(
      EncryptedRedisModule.forRoot({ connection: REDIS_URL, keyPrefix: prefix, keys: singleKey() }),
    );
    const client = module.get<Redis>(ENCRYPTED_REDIS_CLIENT);
    await module.get(NotesService).notes.exists('x');
    expect(client.status).toBe('ready');
    const ended = client.status === 'end' ? Promise.resolve() : once(client, 'end');
    await module.close();
    await ended;
    expect(client.status).toBe('end');
  });

  it('never closes a client it was given', async () => {
    const own = testClient();
    const module = await boot(
      EncryptedRedisModule.forRoot({ connection: own, keyPrefix: prefix, keys: singleKey() }),
    );
    expect(module.get(NotesService).client).toBe(own);
    await module.get(NotesService).notes.save({ id: 'n2', body: 'b' });
    await module.close();
    expect(own.status).toBe('ready');
    expect(await own.exists(`${prefix}mod-notes:{n2}`)).toBe(1);
    await own.quit();
  });

  it('connects to the default Redis when no connection is given', async () => {
    const module = await boot(
      EncryptedRedisModule.forRoot({ keyPrefix: prefix, keys: singleKey() }),
    );
    expect(await module.get(NotesService).notes.exists('x')).toBe(false);
    await module.close();
    const undefinedUrl = await boot(
      EncryptedRedisModule.forRoot({ connection: undefined, keyPrefix: prefix, keys: singleKey() }),
    );
    expect(await undefinedUrl.get(NotesService).notes.exists('x')).toBe(false);
    await undefinedUrl.close();
  });

  it('accepts ioredis options as the connection', async () => {
    const { port, hostname } = new URL(REDIS_URL);
    const module = await boot(
      EncryptedRedisModule.forRoot({
        connection: { host: hostname, port: Number(port || 6379) },
        keyPrefix: prefix,
        keys: singleKey(),
      }),
    );
    expect(await module.get(NotesService).notes.exists('x')).toBe(false);
    await module.close();
  });

  it('reads keys from ENCRYPTED_REDIS_KEYS when no keys are given', async () => {
    const saved = { ...process.env };
    process.env.ENCRYPTED_REDIS_KEYS = `kenv:${testKey()}`;
    try {
      const module = await boot(
        EncryptedRedisModule.forRoot({ connection: REDIS_URL, keyPrefix: prefix }),
      );
      expect(module.get(EncryptedRedisService).keyRing.describe()).toEqual([
        { id: 'kenv', state: 'primary' },
      ]);
      await module.close();
    } finally {
      process.env = saved;
    }
  });

  it('refuses invalid options at startup with a typed error', async () => {
    const error = await rejectionOf(
      boot(
        EncryptedRedisModule.forRoot({ keys: singleKey(), legacyPlaintext: 'sometimes' as 'read' }),
      ),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain('legacyPlaintext');
  });

  it('warns once at startup when legacy plaintext may be read, and logs no key material', async () => {
    const logger = new CaptureLogger();
    const keys = singleKey();
    const module = await boot(
      EncryptedRedisModule.forRoot({
        connection: REDIS_URL,
        keyPrefix: prefix,
        keys,
        legacyPlaintext: 'read',
      }),
      logger,
    );
    await module.close();
    expect(
      logger.lines.filter((line) => line.startsWith('warn') && line.includes('legacyPlaintext')),
    ).toHaveLength(1);
    expect(logger.text).toContain('Key ring ready: primary key "k1"');
    for (const key of Object.values(keys.keys as Record<string, string>))
      expect(logger.text).not.toContain(key);
  });

  it('refuses two different entity classes with the same name', () => {
    const service = new EncryptedRedisService(
      { client: raw, owned: false },
      {
        keyRing: {
          encryptionKey: () => {
            throw new Error('unused');
          },
          decryptionKey: () => {
            throw new Error('unused');
          },
          describe: () => [],
        },
        owned: false,
      },
      {},
    );
    const make = () => {
      @RedisEntity(`mod-dup-${Math.random().toString(36).slice(2)}`)
      class Duplicate {
        id!: string;
      }
      return Duplicate;
    };
    service.getRepository(make());
    expect(() => service.getRepository(make())).toThrow(ConfigurationError);
  });

  it('refuses two entity classes sharing one keyspace', () => {
    const service = new EncryptedRedisService(
      { client: raw, owned: false },
      { keyRing: new LocalKeyRing(singleKey()), owned: true },
      {},
    );
    @RedisEntity('mod-shared')
    class First {
      id!: string;
    }
    @RedisEntity('mod-shared')
    class Second {
      id!: string;
    }
    service.getRepository(First);
    expect(() => service.getRepository(Second)).toThrow(/First and Second both use the keyspace/);
  });
});
