import {
  ENCRYPTED_REDIS_KEY_RING as KEY_RING,
  Encrypted,
  IntegrityError,
  NotEncryptedError,
  RedisEntity,
  UnknownKeyError,
  type EncryptedRepository,
} from '../../lib/index.js';
import { startFixtureApp, type FixtureApp } from '../support/fixture-app.js';
import { testKey } from '../support/keys.js';
import { testPrefix } from '../support/redis.js';
import { rejectionOf } from '../support/rejection.js';
import { readStoredField, writeStoredField } from '../support/tamper.js';

@RedisEntity('f-users')
class HashUser {
  id!: string;
  name!: string;
  @Encrypted() ssn!: string;
  @Encrypted() email!: string;
}

@RedisEntity('f-users-json', { storage: 'json' })
class JsonUser {
  id!: string;
  name!: string;
  @Encrypted() ssn!: string;
  @Encrypted() email!: string;
}

const SSN = '000-11-2222';
const EMAIL = 'u1@example.test';

describe.each([
  ['hash', HashUser],
  ['json', JsonUser],
] as const)('envelope field cases with %s storage', (_storage, User) => {
  let app: FixtureApp;
  let users: EncryptedRepository<object>;

  beforeEach(async () => {
    app = await startFixtureApp([User]);
    users = app.repository(User);
    await users.save(Object.assign(new User(), { id: 'u1', name: 'One', ssn: SSN, email: EMAIL }));
    await users.save(
      Object.assign(new User(), {
        id: 'u2',
        name: 'Two',
        ssn: '999-88-7777',
        email: 'u2@example.test',
      }),
    );
  });
  afterEach(() => app.close());

  describe('F01 a truncated tag or a flipped bit', () => {
    it.each([4, 8, 12, 15])(
      'raises an integrity error naming entity and field when the tag is cut to %i bytes',
      async (kept) => {
        const sealed = Buffer.from(await readStoredField(app.raw, users, 'u1', 'ssn'), 'base64url');
        const cut = sealed.subarray(0, sealed.length - (16 - kept)).toString('base64url');
        await writeStoredField(app.raw, users, 'u1', 'ssn', cut);
        const error = await rejectionOf(users.findById('u1'));
        expect(error).toBeInstanceOf(IntegrityError);
        expect(error).toMatchObject({
          code: 'ERR_INTEGRITY',
          entity: User.name,
          id: 'u1',
          field: 'ssn',
        });
        expect(error.message).not.toContain(SSN);
        expect(error.message).not.toContain(cut);
      },
    );

    it('raises an integrity error for a single flipped bit', async () => {
      const sealed = Buffer.from(await readStoredField(app.raw, users, 'u1', 'ssn'), 'base64url');
      sealed[sealed.length - 20]! ^= 0x04;
      await writeStoredField(app.raw, users, 'u1', 'ssn', sealed.toString('base64url'));
      const error = await rejectionOf(users.findById('u1'));
      expect(error).toBeInstanceOf(IntegrityError);
      expect(error.message).not.toContain(SSN);
    });
  });

  describe('F02 a sealed value copied elsewhere', () => {
    it("raises an integrity error when u1's ssn is copied into u2, never showing u1's value", async () => {
      await writeStoredField(
        app.raw,
        users,
        'u2',
        'ssn',
        await readStoredField(app.raw, users, 'u1', 'ssn'),
      );
      const error = await rejectionOf(users.findById('u2'));
      expect(error).toBeInstanceOf(IntegrityError);
      expect(error).toMatchObject({ id: 'u2', field: 'ssn' });
      expect(error.message).not.toContain(SSN);
    });

    it("raises an integrity error when u1's ssn is copied into u1's email", async () => {
      await writeStoredField(
        app.raw,
        users,
        'u1',
        'email',
        await readStoredField(app.raw, users, 'u1', 'ssn'),
      );
      const error = await rejectionOf(users.findById('u1'));
      expect(error).toBeInstanceOf(IntegrityError);
      expect(error).toMatchObject({ id: 'u1', field: 'email' });
    });
  });

  describe('F02 a record whose clear id was changed', () => {
    it('raises an integrity error instead of returning its sealed fields under another id', async () => {
      await writeStoredField(app.raw, users, 'u1', 'id', 'u2');
      const error = await rejectionOf(users.findById('u1'));
      expect(error).toBeInstanceOf(IntegrityError);
      expect(error).toMatchObject({ id: 'u1', field: 'id' });
    });
  });

  describe('F03 plaintext in a sealed field', () => {
    it('raises not-encrypted for clear words of every initial letter, never a damaged-envelope error', async () => {
      const words = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'].map(
        (initial) => `${initial}lice`,
      );
      for (const word of [...words, 'Alice', 'Bobby', 'Carol', 'Dave', 'AQE', 'AAAAAAAA']) {
        await writeStoredField(app.raw, users, 'u1', 'ssn', word);
        const error = await rejectionOf(users.findById('u1'));
        expect([word, error.constructor.name]).toEqual([word, 'NotEncryptedError']);
      }
    });

    it('raises a typed not-encrypted error that does not show the raw value', async () => {
      await writeStoredField(app.raw, users, 'u1', 'ssn', SSN);
      const error = await rejectionOf(users.findById('u1'));
      expect(error).toBeInstanceOf(NotEncryptedError);
      expect(error).toMatchObject({ code: 'ERR_NOT_ENCRYPTED', field: 'ssn', id: 'u1' });
      expect(error.message).not.toContain(SSN);
    });

    it('returns the clear value only under the explicit legacy plaintext policy', async () => {
      await writeStoredField(app.raw, users, 'u1', 'ssn', SSN);
      const legacy = await startFixtureApp([User], {
        keyPrefix: app.prefix,
        keys: undefined,
        keyRing: app.module.get(KEY_RING),
        legacyPlaintext: 'read',
      });
      try {
        expect(await legacy.repository(User).findById('u1')).toMatchObject({
          ssn: SSN,
          email: EMAIL,
        });
      } finally {
        await legacy.stop();
      }
    });
  });
});

describe('F03 data sealed under a key the ring no longer holds', () => {
  it.each([
    ['hash', HashUser],
    ['json', JsonUser],
  ] as const)('raises a typed unknown-key error naming k1 (%s storage)', async (_storage, User) => {
    const prefix = testPrefix();
    const k1 = testKey();
    const before = await startFixtureApp([User], { keyPrefix: prefix, keys: { keys: { k1 } } });
    await before
      .repository(User)
      .save(Object.assign(new User(), { id: 'u1', name: 'One', ssn: SSN, email: EMAIL }));
    const envelope = await readStoredField(before.raw, before.repository(User), 'u1', 'ssn');
    await before.stop();
    const after = await startFixtureApp([User], {
      keyPrefix: prefix,
      keys: { keys: { k2: testKey() } },
    });
    try {
      const error = await rejectionOf(after.repository(User).findById('u1'));
      expect(error).toBeInstanceOf(UnknownKeyError);
      expect(error).toMatchObject({ code: 'ERR_UNKNOWN_KEY', keyId: 'k1' });
      expect(error.message).toContain('"k1"');
      expect(error.message).not.toContain(SSN);
      expect(error.message).not.toContain(envelope);
      expect(error.message).not.toContain(k1);
    } finally {
      await after.close();
    }
  });
});
