import type { Redis } from 'ioredis';
import {
  Encrypted,
  EncryptedRepository,
  listDataKeys,
  RedisEntity,
  RetiredKeyError,
  retireDataKeys,
  rewrapDataKeys,
  type KmsKeyRing,
  type KmsKeyRingOptions,
} from '../../lib/index.js';
import { cleanPrefix, testClient, testPrefix } from '../support/redis.js';
import { rejectionOf } from '../support/rejection.js';
import {
  fakeKmsRing,
  startFakeKms,
  TEST_ALIAS,
  type FakeKmsServer,
} from './support/kms-fixture.js';

@RedisEntity('kms-rotation-cards')
class Card {
  id!: string;
  @Encrypted() pan!: string;
}

describe('rewrapping and retiring data keys', () => {
  const rings: KmsKeyRing[] = [];
  let fake: FakeKmsServer;
  let redis: Redis;
  let prefix: string;

  function instance(options: Partial<KmsKeyRingOptions> = {}) {
    const ring = fakeKmsRing(fake, redis, prefix, options);
    rings.push(ring);
    return {
      ring,
      cards: new EncryptedRepository(Card, { client: redis, keyRing: ring, keyPrefix: prefix }),
    };
  }

  async function sealUnderTwoKeys(): Promise<[string, string]> {
    const first = instance();
    await first.cards.save({ id: 'c1', pan: '4111-1' });
    const second = instance();
    await second.cards.save({ id: 'c2', pan: '4111-2' });
    return [first.ring.sealingKeyId!, second.ring.sealingKeyId!];
  }

  beforeAll(async () => {
    fake = await startFakeKms();
    redis = testClient();
  });
  beforeEach(() => {
    prefix = testPrefix();
  });
  afterEach(() => cleanPrefix(redis, prefix));
  afterAll(async () => {
    for (const ring of rings) ring.close();
    await redis.quit();
    await fake.stop();
  });

  it.each(['reencrypt', 'decrypt-encrypt'] as const)(
    'rewraps every data key under a new KMS key (%s) without touching the data; the old key can then be disabled',
    async (method) => {
      const ids = await sealUnderTwoKeys();
      const stored = instance().cards.keyOf('c1');
      const before = await redis.hgetall(stored);
      expect(Object.keys(before)).toContain('pan');
      const oldArn = fake.keys.resolve(TEST_ALIAS).arn;
      const newArn = fake.createKey(`alias/rotated-${method}`);
      const operator = instance({ keyId: newArn });
      fake.resetCounts();

      const result = await rewrapDataKeys(operator.ring, { method });
      expect([...result.rewrapped].sort()).toEqual([...ids].sort());
      expect(result.skipped).toEqual([]);
      expect(fake.count(method === 'reencrypt' ? 'ReEncrypt' : 'Encrypt')).toBe(2);
      expect((await listDataKeys(operator.ring)).map((key) => key.kmsKeyArn)).toEqual([
        newArn,
        newArn,
      ]);
      expect((await rewrapDataKeys(operator.ring)).skipped).toHaveLength(2);

      fake.setKeyState(oldArn, 'Disabled');
      try {
        const fresh = instance();
        expect((await fresh.cards.findById('c1'))!.pan).toBe('4111-1');
        expect((await fresh.cards.findById('c2'))!.pan).toBe('4111-2');
        expect(await redis.hgetall(stored)).toEqual(before);
      } finally {
        fake.setKeyState(oldArn, 'Enabled');
      }
    },
  );

  it('retires data keys: refused with RetiredKeyError naming the key, young keys only with force', async () => {
    const [first, second] = await sealUnderTwoKeys();
    const operator = instance();

    const cautious = await retireDataKeys(operator.ring, { ids: [first, 'nosuchid'] });
    expect(cautious.retired).toEqual([]);
    expect(cautious.skipped.map((skip) => skip.id)).toEqual(['nosuchid', first]);
    expect(cautious.skipped[1]!.reason).toMatch(/maxAgeMs/);

    expect((await retireDataKeys(operator.ring, { ids: [first], force: true })).retired).toEqual([
      first,
    ]);
    const error = await rejectionOf(instance().cards.findById('c1'));
    expect(error).toBeInstanceOf(RetiredKeyError);
    expect(error.message).toContain(`"${first}"`);
    expect(error.message).toContain('Card.pan of id "c1"');
    expect((await instance().cards.findById('c2'))!.pan).toBe('4111-2');

    const listed = await listDataKeys(operator.ring);
    expect(listed.find((key) => key.id === first)).toMatchObject({
      state: 'retired',
      recoverable: true,
    });
    expect(listed.find((key) => key.id === second)).toMatchObject({ state: 'active' });
    expect(JSON.stringify(listed)).not.toMatch(/blob|wrapped/);
  });

  it('shreds retired data keys created before a date, so their wrapped form is gone', async () => {
    const [first, second] = await sealUnderTwoKeys();
    const operator = instance({ cache: { maxAgeMs: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const result = await retireDataKeys(operator.ring, {
      createdBefore: new Date(Date.now() + 1000),
      shred: true,
    });
    expect([...result.retired].sort()).toEqual([first, second].sort());
    for (const text of Object.values(await redis.hgetall(operator.ring.registry.key))) {
      expect(JSON.parse(text)).not.toHaveProperty('blob');
    }
    expect((await listDataKeys(operator.ring)).every((key) => !key.recoverable)).toBe(true);
    expect((await rewrapDataKeys(operator.ring)).skipped.map((skip) => skip.reason)).toEqual([
      'shredded: no wrapped key left',
      'shredded: no wrapped key left',
    ]);
  });
});
