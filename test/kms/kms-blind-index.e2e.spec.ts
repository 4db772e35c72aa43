import {
  Encrypted,
  EncryptedRepository,
  RedisEntity,
  reencrypt,
  retireDataKeys,
} from '../../lib/index.js';
import { allKeysUnder, cleanPrefix, testClient, testPrefix } from '../support/redis.js';
import { fakeKmsRing, startFakeKms, type FakeKmsServer } from './support/kms-fixture.js';

@RedisEntity('kbi-accounts')
class Account {
  id!: string;
  @Encrypted({ index: { normalize: ['lowercase'] } }) email!: string;
}

describe('blind indexes on a KMS key ring', () => {
  const raw = testClient();
  const prefix = testPrefix();
  let fake: FakeKmsServer;

  beforeAll(async () => {
    fake = await startFakeKms();
  });
  afterAll(async () => {
    await cleanPrefix(raw, prefix);
    await raw.quit();
    await fake.stop();
  });

  it('shares one index key between instances, and rotates it with a rebuild', async () => {
    const firstRing = fakeKmsRing(fake, raw, prefix);
    const secondRing = fakeKmsRing(fake, raw, prefix);
    const first = new EncryptedRepository(Account, {
      client: raw,
      keyRing: firstRing,
      keyPrefix: prefix,
    });
    const second = new EncryptedRepository(Account, {
      client: raw,
      keyRing: secondRing,
      keyPrefix: prefix,
    });
    await first.save({ id: 'a1', email: 'Ann@Example.test' });
    await second.save({ id: 'a2', email: 'ann@example.test' });
    const found = async (repository: EncryptedRepository<Account>) =>
      (await repository.findBy('email', 'ANN@example.test')).map((account) => account.id);
    expect(await found(first)).toEqual(['a1', 'a2']);
    expect(await found(second)).toEqual(['a1', 'a2']);
    expect(fake.count('GenerateDataKey')).toBe(3);

    const newId = await firstRing.rotateIndexKey();
    expect(newId).toBe('idx.2');
    const third = fakeKmsRing(fake, raw, prefix);
    const report = await reencrypt({
      client: raw,
      keyRing: third,
      keyPrefix: prefix,
      entities: [Account],
    });
    expect(report.indexes.rebuilt).toBe(2);
    const entries = await allKeysUnder(raw, `${prefix}kbi-accounts:idx:email:`);
    expect(entries.some((key) => key.includes(':idx.2:'))).toBe(true);
    for (const key of entries) {
      expect(key.includes(':idx.2:') || (await raw.zcard(key)) === 0).toBe(true);
    }
    const retired = await retireDataKeys(third, { ids: ['idx.1'], force: true });
    expect(retired.retired).toEqual(['idx.1']);
    const fourth = fakeKmsRing(fake, raw, prefix);
    const after = new EncryptedRepository(Account, {
      client: raw,
      keyRing: fourth,
      keyPrefix: prefix,
    });
    expect(await found(after)).toEqual(['a1', 'a2']);
    for (const ring of [firstRing, secondRing, third, fourth]) ring.close();
  }, 60_000);
});
