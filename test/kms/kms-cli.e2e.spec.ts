import type { Redis } from 'ioredis';
import { runCli } from '../../lib/cli/program.js';
import type { CliIo } from '../../lib/cli/cli-io.js';
import { Encrypted, EncryptedRepository, RedisEntity, type KmsKeyRing } from '../../lib/index.js';
import { cleanPrefix, REDIS_URL, testClient, testPrefix } from '../support/redis.js';
import {
  FAKE_CREDENTIALS,
  fakeKmsRing,
  startFakeKms,
  TEST_ALIAS,
  type FakeKmsServer,
} from './support/kms-fixture.js';

@RedisEntity('kms-cli-items')
class Item {
  id!: string;
  @Encrypted() secret!: string;
}

function captureIo(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (line: string) => void lines.push(line),
    err: (line: string) => void errors.push(line),
  };
}

describe('encrypted-redis kms list / rewrap / retire', () => {
  const prefix = testPrefix();
  const saved = { ...process.env };
  let fake: FakeKmsServer;
  let redis: Redis;
  let ring: KmsKeyRing;

  beforeAll(async () => {
    fake = await startFakeKms();
    redis = testClient();
    ring = fakeKmsRing(fake, redis, prefix);
    await new EncryptedRepository(Item, { client: redis, keyRing: ring, keyPrefix: prefix }).save({
      id: 'i1',
      secret: 's1',
    });
    delete process.env.ENCRYPTED_REDIS_KEYS;
    Object.assign(process.env, {
      ENCRYPTED_REDIS_KMS_KEY_ID: TEST_ALIAS,
      ENCRYPTED_REDIS_KMS_ENDPOINT: fake.endpoint,
      ENCRYPTED_REDIS_KMS_APPLICATION: 'ner-tests',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
      REDIS_URL,
      ENCRYPTED_REDIS_PREFIX: prefix,
    });
  });
  afterAll(async () => {
    process.env = saved;
    ring.close();
    await cleanPrefix(redis, prefix);
    await redis.quit();
    await fake.stop();
  });

  it('lists the data keys without their key bytes', async () => {
    const io = captureIo();
    expect(await runCli(['kms', 'list'], io)).toBe(0);
    expect(io.lines).toHaveLength(1);
    expect(io.lines[0]).toMatch(
      new RegExp(`^${ring.sealingKeyId}  active  arn:aws:kms:us-east-1:111122223333:key/`),
    );
    const entry = JSON.parse((await redis.hget(ring.registry.key, ring.sealingKeyId!))!) as {
      blob: string;
    };
    expect([...io.lines, ...io.errors].join('\n')).not.toContain(entry.blob);
  });

  it('rewraps under another KMS key, then retires with --force', async () => {
    const newArn = fake.createKey('alias/cli-rotated');
    const rewrap = captureIo();
    expect(await runCli(['kms', 'rewrap', '--to', newArn], rewrap)).toBe(0);
    expect(rewrap.lines).toEqual([`rewrapped ${ring.sealingKeyId}`]);

    const cautious = captureIo();
    expect(await runCli(['kms', 'retire', '--id', ring.sealingKeyId!], cautious)).toBe(4);
    expect(cautious.lines[0]).toContain('younger than cache.maxAgeMs');

    const retire = captureIo();
    expect(await runCli(['kms', 'retire', '--id', ring.sealingKeyId!, '--force'], retire)).toBe(0);
    const list = captureIo();
    await runCli(['kms', 'list', '--json'], list);
    expect(JSON.parse(list.lines.join('\n'))).toMatchObject([
      { id: ring.sealingKeyId, state: 'retired', kmsKeyArn: newArn, recoverable: true },
    ]);
  });

  it('refuses kms commands without a KMS key configured', async () => {
    const keyId = process.env.ENCRYPTED_REDIS_KMS_KEY_ID;
    process.env.ENCRYPTED_REDIS_KMS_KEY_ID = '';
    process.env.ENCRYPTED_REDIS_KEYS = `k1:${Buffer.alloc(32, 1).toString('base64')}`;
    try {
      const io = captureIo();
      expect(await runCli(['kms', 'list'], io)).toBe(2);
      expect(io.errors.join('\n')).toContain('ENCRYPTED_REDIS_KMS_KEY_ID');
    } finally {
      process.env.ENCRYPTED_REDIS_KMS_KEY_ID = keyId;
      delete process.env.ENCRYPTED_REDIS_KEYS;
    }
  });
});
