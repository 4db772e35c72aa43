import {
  Encrypted,
  EncryptedRepository,
  LocalKeyRing,
  RedisEntity,
  reencrypt,
} from '../../lib/index.js';
import { testKey } from '../support/keys.js';
import { allKeysUnder, cleanPrefix, testClient, testPrefix } from '../support/redis.js';

function entity(storage: 'hash' | 'json') {
  @RedisEntity(`ir-members-${storage}`, { storage })
  class Member {
    id!: string;
    @Encrypted({ index: { normalize: ['lowercase'] } }) email!: string;
  }
  return Member;
}

describe.each(['hash', 'json'] as const)('blind index rotation with %s storage', (storage) => {
  const Member = entity(storage);
  const raw = testClient();
  const prefix = testPrefix();
  const k1 = testKey();
  const k2 = testKey();
  const repository = (keyRing: LocalKeyRing) =>
    new EncryptedRepository(Member, { client: raw, keyRing, keyPrefix: prefix });
  const member = (id: string) => Object.assign(new Member(), { id, email: `${id}@Example.test` });
  const ids = async (repo: EncryptedRepository<InstanceType<typeof Member>>, id: string) =>
    (await repo.findBy('email', `${id}@example.test`)).map((found) => found.id);

  afterAll(async () => {
    await cleanPrefix(raw, prefix);
    await raw.quit();
  });

  it('keeps lookups working across a key change, rebuilds entries under the new key, then survives retiring the old', async () => {
    await repository(new LocalKeyRing({ keys: { k1 } })).saveMany(['old1', 'old2'].map(member));

    const rotated = new LocalKeyRing({ keys: { k1, k2 }, primary: 'k2' });
    const during = repository(rotated);
    await during.save(member('new1'));
    expect(await ids(during, 'old1')).toEqual(['old1']);
    expect(await ids(during, 'new1')).toEqual(['new1']);

    const report = await reencrypt({
      client: raw,
      keyRing: rotated,
      keyPrefix: prefix,
      entities: [Member],
    });
    expect(report.outcome).toBe('complete');
    expect(report.indexes.rebuilt).toBe(2);
    const entries = await allKeysUnder(raw, `${prefix}ir-members-${storage}:idx:email:`);
    // Emptied entries are deleted by Redis; one entry per member is left, under k2.
    expect(entries).toHaveLength(3);
    for (const key of entries) {
      const members = await raw.zrange(key, 0, -1);
      expect([key.includes(':idx:email:k2:'), members.length]).toEqual([true, 1]);
    }

    const retired = repository(new LocalKeyRing({ keys: { k2 }, retired: ['k1'] }));
    for (const id of ['old1', 'old2', 'new1']) expect(await ids(retired, id)).toEqual([id]);
    const again = await reencrypt({
      client: raw,
      keyRing: rotated,
      keyPrefix: prefix,
      entities: [Member],
    });
    expect([again.values.resealed, again.indexes.rebuilt]).toEqual([0, 0]);
  });
});
