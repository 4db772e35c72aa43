import { Test } from '@nestjs/testing';
import {
  ConfigurationError,
  ENCRYPTED_REDIS_KEY_RING,
  Encrypted,
  EncryptedRedisModule,
  KmsKeyRing,
  RedisEntity,
  type KeyRing,
} from '../../lib/index.js';
import { startFixtureApp } from '../support/fixture-app.js';
import { singleKey } from '../support/keys.js';
import { cleanPrefix, REDIS_URL, testClient, testPrefix } from '../support/redis.js';
import { rejectionOf } from '../support/rejection.js';
import {
  fakeKmsConnection,
  fakeKmsRing,
  startFakeKms,
  TEST_ALIAS,
  type FakeKmsServer,
} from './support/kms-fixture.js';

@RedisEntity('kms-module-notes')
class Note {
  id!: string;
  @Encrypted() text!: string;
}

describe('EncryptedRedisModule with KMS', () => {
  let fake: FakeKmsServer;

  beforeAll(async () => {
    fake = await startFakeKms();
  });
  afterAll(() => fake.stop());

  const kms = () => ({ keyId: TEST_ALIAS, ...fakeKmsConnection(fake) });

  it('builds a KMS key ring from `kms`, keeps its registry under keyPrefix and zeroes it on shutdown', async () => {
    const app = await startFixtureApp([Note], { keys: undefined, kms: kms() });
    const ring = app.module.get<KeyRing>(ENCRYPTED_REDIS_KEY_RING);
    expect(ring).toBeInstanceOf(KmsKeyRing);
    await app.repository(Note).save({ id: 'n1', text: 'secret' });
    expect(await app.raw.hlen(`${app.prefix}__ner:kms:default`)).toBe(1);
    const held = await ring.decryptionKey((ring as KmsKeyRing).sealingKeyId!);
    await app.close();
    expect(held.destroyed).toBe(true);
  });

  it('uses a KmsKeyRing built by the application and leaves it open on shutdown', async () => {
    const prefix = testPrefix();
    const raw = testClient();
    const ring = fakeKmsRing(fake, raw, prefix);
    const app = await startFixtureApp([Note], {
      keys: undefined,
      keyRing: ring,
      keyPrefix: prefix,
    });
    try {
      await app.repository(Note).save({ id: 'n1', text: 'secret' });
      expect(await raw.hlen(ring.registry.key)).toBe(1);
    } finally {
      await app.close();
    }
    expect(() => ring.encryptionKey()).not.toThrow();
    ring.close();
    await cleanPrefix(raw, prefix);
    await raw.quit();
  });

  it.each([
    [
      '`kms` together with `keys`',
      { keys: singleKey(), kms: { keyId: TEST_ALIAS } },
      /`kms` cannot/,
    ],
    ['`kms` without a keyId', { kms: { keyId: '' } }, /kms\.keyId/],
  ])('fails startup for %s before any Redis command is sent', async (_name, options, message) => {
    const error = await rejectionOf(
      Test.createTestingModule({
        imports: [EncryptedRedisModule.forRoot({ connection: REDIS_URL, ...options })],
      }).compile(),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(message);
  });

  it('selects the KMS key ring from ENCRYPTED_REDIS_KMS_KEY_ID when no keys are configured', async () => {
    const names = ['ENCRYPTED_REDIS_KMS_KEY_ID', 'ENCRYPTED_REDIS_KMS_ENDPOINT', 'AWS_REGION'];
    const saved = names.map((name) => process.env[name]);
    const savedKeys = process.env.ENCRYPTED_REDIS_KEYS;
    Object.assign(process.env, {
      ENCRYPTED_REDIS_KMS_KEY_ID: TEST_ALIAS,
      ENCRYPTED_REDIS_KMS_ENDPOINT: fake.endpoint,
      AWS_REGION: 'us-east-1',
    });
    delete process.env.ENCRYPTED_REDIS_KEYS;
    try {
      const app = await startFixtureApp([Note], { keys: undefined });
      try {
        expect(app.module.get(ENCRYPTED_REDIS_KEY_RING)).toBeInstanceOf(KmsKeyRing);
      } finally {
        await app.close();
      }
    } finally {
      names.forEach((name, i) => {
        if (saved[i] === undefined) delete process.env[name];
        else process.env[name] = saved[i];
      });
      if (savedKeys !== undefined) process.env.ENCRYPTED_REDIS_KEYS = savedKeys;
    }
  });
});
