import type { Redis } from 'ioredis';
import { Encrypted, EncryptedRepository, KmsKeyRing, RedisEntity } from '../../lib/index.js';
import { cleanPrefix, testClient, testPrefix } from '../support/redis.js';

/**
 * Runs against real AWS KMS only when asked to: set ENCRYPTED_REDIS_TEST_KMS_KEY_ID
 * (a symmetric key the credentials may GenerateDataKey and Decrypt with) and
 * AWS credentials and region the SDK's default chain can find.
 */
const KEY_ID = process.env.ENCRYPTED_REDIS_TEST_KMS_KEY_ID;
const HAS_CREDENTIALS =
  process.env.AWS_ACCESS_KEY_ID !== undefined ||
  process.env.AWS_PROFILE !== undefined ||
  process.env.AWS_WEB_IDENTITY_TOKEN_FILE !== undefined ||
  process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI !== undefined ||
  process.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI !== undefined;
const ENABLED = KEY_ID !== undefined && KEY_ID !== '' && HAS_CREDENTIALS;

const describeReal = ENABLED ? describe : describe.skip;
const title = ENABLED
  ? `real AWS KMS (${KEY_ID})`
  : 'real AWS KMS: skipped, set ENCRYPTED_REDIS_TEST_KMS_KEY_ID and AWS credentials to run';
if (!ENABLED) console.info(title);

@RedisEntity('kms-real-aws')
class Secret {
  id!: string;
  @Encrypted() value!: string;
}

describeReal(title, () => {
  const prefix = testPrefix();
  let redis: Redis;
  const rings: KmsKeyRing[] = [];

  const ring = () => {
    const created = new KmsKeyRing({
      keyId: KEY_ID!,
      application: 'nest-encrypted-redis-tests',
      redis,
      keyPrefix: prefix,
    });
    rings.push(created);
    return created;
  };

  beforeAll(() => {
    redis = testClient();
  });
  afterAll(async () => {
    for (const created of rings) created.close();
    await cleanPrefix(redis, prefix);
    await redis.quit();
  });

  it('seals with a data key from GenerateDataKey and opens it in a second instance with one Decrypt', async () => {
    const writer = new EncryptedRepository(Secret, {
      client: redis,
      keyRing: ring(),
      keyPrefix: prefix,
    });
    await writer.save({ id: 's1', value: 'kept in KMS envelope' });
    const reader = new EncryptedRepository(Secret, {
      client: redis,
      keyRing: ring(),
      keyPrefix: prefix,
    });
    expect((await reader.findById('s1'))!.value).toBe('kept in KMS envelope');
    expect(await redis.hlen(rings[0]!.registry.key)).toBe(1);
  });
});
