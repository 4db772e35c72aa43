import { Type } from 'class-transformer';
import {
  Encrypted,
  EntityDefinitionError,
  NotIndexedError,
  RedisEntity,
  UnsupportedValueError,
  type EncryptedRepository,
} from '../../lib/index.js';
import { startFixtureApp, type FixtureApp } from '../support/fixture-app.js';
import { allKeysUnder } from '../support/redis.js';
import { rejectionOf } from '../support/rejection.js';

function entity(storage: 'hash' | 'json') {
  @RedisEntity(`bi-users-${storage}`, { storage })
  class User {
    id!: string;
    name!: string;
    @Encrypted({ index: { normalize: ['trim', 'lowercase'] } }) email!: string | null;
    @Encrypted({ index: true }) country?: string;
    @Encrypted({ index: { bytes: 2 } }) team?: number;
    @Encrypted() ssn?: string;
    @Encrypted({ index: true }) label?: string | number | object;
  }
  return User;
}

describe.each(['hash', 'json'] as const)('blind indexes with %s storage', (storage) => {
  const User = entity(storage);
  type User = InstanceType<typeof User>;
  let app: FixtureApp;
  let users: EncryptedRepository<User>;
  const user = (id: string, fields: Partial<User>) =>
    Object.assign(new User(), { id, name: `name ${id}`, email: `${id}@example.test`, ...fields });
  const ids = (found: User[]) => found.map((entry) => entry.id);
  /** How many index entries of `field` hold `id`, read straight from Redis. */
  const entriesHolding = async (field: string, id: string) => {
    const keys = await allKeysUnder(app.raw, `${app.prefix}bi-users-${storage}:idx:${field}:`);
    const scores = await Promise.all(keys.map((key) => app.raw.zscore(key, id)));
    return scores.filter((score) => score !== null).length;
  };

  beforeAll(async () => {
    app = await startFixtureApp([User]);
    users = app.repository(User);
  });
  afterAll(() => app.close());

  it('finds every entity with a value, through the normalisation, and nothing else', async () => {
    await users.saveMany([
      user('a1', { email: 'Ada@Example.test', country: 'NL' }),
      user('a2', { email: '  ada@example.TEST ', country: 'NL' }),
      user('b1', { email: 'bob@example.test', country: 'BE' }),
    ]);
    expect(ids(await users.findBy('email', 'ADA@example.test'))).toEqual(['a1', 'a2']);
    expect(ids(await users.findBy('country', 'NL'))).toEqual(['a1', 'a2']);
    expect(ids(await users.findBy('country', 'nl'))).toEqual([]);
    expect(await users.findOneBy('email', 'bob@example.test')).toMatchObject({ id: 'b1' });
    expect(await users.findOneBy('email', 'nobody@example.test')).toBeNull();
  });

  it('keeps the index exact through updates, saves and deletes', async () => {
    await users.save(user('c1', { email: 'carol@example.test' }));
    await users.update('c1', { email: 'caroline@example.test' });
    expect(ids(await users.findBy('email', 'carol@example.test'))).toEqual([]);
    expect(ids(await users.findBy('email', 'caroline@example.test'))).toEqual(['c1']);
    await users.save(user('c1', { email: 'carol@example.test' }));
    expect(ids(await users.findBy('email', 'caroline@example.test'))).toEqual([]);
    expect(ids(await users.findBy('email', 'carol@example.test'))).toEqual(['c1']);
    await users.update('c1', { email: null });
    expect(ids(await users.findBy('email', 'carol@example.test'))).toEqual([]);
    await users.update('c1', { email: 'carol@example.test' });
    expect(await entriesHolding('email', 'c1')).toBe(1);
    expect(await users.delete('c1')).toBe(true);
    expect(ids(await users.findBy('email', 'carol@example.test'))).toEqual([]);
    expect(await entriesHolding('email', 'c1')).toBe(0);
  });

  it('leaves no index entry behind after many concurrent conflicting updates', async () => {
    await users.save(user('d1', { email: 'v0@example.test' }));
    const values = Array.from({ length: 8 }, (_, i) => `v${i}@example.test`);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        users.update('d1', { email: values[i % values.length]! }),
      ),
    );
    const final = (await users.findById('d1'))!.email!;
    for (const value of values) {
      expect(ids(await users.findBy('email', value))).toEqual(value === final ? ['d1'] : []);
    }
    expect(await entriesHolding('email', 'd1')).toBe(1);
  });

  it('never returns an entity whose value no longer matches, and removes the stale entry', async () => {
    await users.save(user('e1', { country: 'FR' }));
    await users.save(user('e2', { country: 'FR' }), { ttl: 1 });
    expect(await entriesHolding('country', 'e2')).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(ids(await users.findBy('country', 'FR'))).toEqual(['e1']);
    expect(await entriesHolding('country', 'e2')).toBe(0);
  });

  it('tells apart values that share a short token', async () => {
    await users.saveMany(Array.from({ length: 300 }, (_, i) => user(`t${i}`, { team: i })));
    for (const team of [0, 7, 299])
      expect(ids(await users.findBy('team', team))).toEqual([`t${team}`]);
  });

  it('refuses an object in an indexed field when saved, and writes nothing', async () => {
    const error = await rejectionOf(users.save(user('h1', { label: { a: 1 } })));
    expect(error).toBeInstanceOf(UnsupportedValueError);
    expect(error.message).toContain(`${User.name}.label`);
    expect(await users.exists('h1')).toBe(false);
    await users.save(user('h2', { label: 7 }));
    expect(ids(await users.findBy('label', 7))).toEqual(['h2']);
    expect(ids(await users.findBy('label', '7'))).toEqual([]);
  });

  it('refuses findBy on a field without an index, saying how to add one', async () => {
    const error = await rejectionOf(users.findBy('ssn', 'x'));
    expect(error).toBeInstanceOf(NotIndexedError);
    expect(error.message).toContain(`${User.name}.ssn`);
    expect(error.message).toContain('index: true');
  });

  it('keeps indexed values out of Redis in clear, in key names and in values', async () => {
    await users.save(
      user('f1', { email: 'Unique.Secret.Mail@example.test', country: 'ZZ-SECRET' }),
    );
    const keys = await allKeysUnder(app.raw, app.prefix);
    const everything = [
      ...keys,
      ...(await Promise.all(keys.map(async (key) => String(await app.raw.dump(key))))),
    ].join('\n');
    expect(everything.toLowerCase()).not.toContain('unique.secret.mail');
    expect(everything).not.toContain('ZZ-SECRET');
  });

  it('keeps the bookkeeping expiry in step with the entity', async () => {
    await users.save(user('g1', { email: 'g@example.test' }), { ttl: 300 });
    await users.update('g1', { email: 'g2@example.test' });
    const key = users.keyOf('g1');
    expect(await app.raw.pttl(`${key}:idx`)).toBeGreaterThan(290_000);
    await users.save(user('g1', { email: 'g@example.test' }), { ttl: 0 });
    expect(await app.raw.pttl(`${key}:idx`)).toBe(-1);
  });
});

describe('blind index registration', () => {
  it('refuses an index on a field of a nested class, naming it', async () => {
    class Contact {
      @Encrypted({ index: true }) phone!: string;
    }
    @RedisEntity('bi-nested')
    class Person {
      id!: string;
      @Type(() => Contact) contact!: Contact;
    }
    const error = await rejectionOf(startFixtureApp([Person]));
    expect(error).toBeInstanceOf(EntityDefinitionError);
    expect(error.message).toContain('Contact.phone');
  });

  it('refuses an index on an object field and invalid index options', async () => {
    @RedisEntity('bi-object')
    class Profile {
      id!: string;
      @Encrypted({ index: true }) @Type(() => String) tags!: string[];
    }
    expect(await rejectionOf(startFixtureApp([Profile]))).toBeInstanceOf(EntityDefinitionError);
    expect(() => Encrypted({ index: { bytes: 40 } })(Profile.prototype, 'x')).toThrow(/1 to 32/);
    expect(() =>
      Encrypted({ index: { normalize: ['upper' as 'trim'] } })(Profile.prototype, 'x'),
    ).toThrow(/normalize/);
  });
});
