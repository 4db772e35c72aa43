import { randomBytes } from 'node:crypto';
import {
  EncryptedRedisService,
  KeyConfigurationError,
  LocalKeyRing,
  RetiredKeyError,
  localKeysFromEnv,
  reencrypt,
} from '../../lib/index.js';
import { startFixtureApp, type FixtureApp } from '../support/fixture-app.js';
import { cleanPrefix, testClient, testPrefix } from '../support/redis.js';
import { rejectionOf } from '../support/rejection.js';
import { envelopeKeyIds, personEntity, samplePerson } from './rotation-fixtures.js';

const Person = personEntity('hash', 'rot-lifecycle');

describe('key lifecycle in the local key ring', () => {
  const k1 = randomBytes(32).toString('base64');
  const k2 = randomBytes(32).toString('base64');

  it('adds a key decrypt-only: it opens values but seals none until promoted', () => {
    const ring = new LocalKeyRing({ keys: { k1 } });
    ring.addKey('k2', k2);
    expect(ring.encryptionKey().id).toBe('k1');
    expect(ring.decryptionKey('k2').id).toBe('k2');
    expect(ring.describe()).toEqual([
      { id: 'k1', state: 'primary' },
      { id: 'k2', state: 'decrypt-only' },
    ]);
    ring.promote('k2');
    expect(ring.encryptionKey().id).toBe('k2');
    expect(ring.describe()).toContainEqual({ id: 'k1', state: 'decrypt-only' });
    ring.close();
  });

  it('refuses to add the bytes of a held key under a new id', () => {
    const ring = new LocalKeyRing({ keys: { k1 } });
    expect(() => ring.addKey('k9', k1)).toThrow(KeyConfigurationError);
    expect(() => ring.addKey('k9', k1)).toThrow(/same bytes as key "k1"/);
    ring.close();
  });

  it('refuses a retired key for decryption with an error naming it, and never as primary', () => {
    const ring = new LocalKeyRing({ keys: { k1, k2 }, primary: 'k2' });
    ring.retire('k1');
    const error = (() => {
      try {
        ring.decryptionKey('k1');
      } catch (caught) {
        return caught as RetiredKeyError;
      }
      throw new Error('expected a RetiredKeyError');
    })();
    expect(error).toBeInstanceOf(RetiredKeyError);
    expect(error.code).toBe('ERR_RETIRED_KEY');
    expect(error.message).toContain('"k1"');
    expect(() => ring.promote('k1')).toThrow(/retired/);
    expect(() => ring.retire('k2')).toThrow(/primary/);
    expect(() => ring.addKey('k1', randomBytes(32))).toThrow(/already exists/);
    ring.close();
  });

  it('reads the lifecycle from ENCRYPTED_REDIS_KEYS, _PRIMARY_KEY and _RETIRED_KEYS', () => {
    const ring = new LocalKeyRing(
      localKeysFromEnv({
        ENCRYPTED_REDIS_KEYS: `k2:${k2}`,
        ENCRYPTED_REDIS_PRIMARY_KEY: 'k2',
        ENCRYPTED_REDIS_RETIRED_KEYS: 'k0, k1',
      }),
    );
    expect(ring.describe()).toEqual([
      { id: 'k2', state: 'primary' },
      { id: 'k0', state: 'retired' },
      { id: 'k1', state: 'retired' },
    ]);
    expect(
      () => new LocalKeyRing(localKeysFromEnv({ ENCRYPTED_REDIS_KEYS: `k1:${k1},k2:${k2}` })),
    ).toThrow(/ENCRYPTED_REDIS_PRIMARY_KEY/);
    ring.close();
  });
});

describe('a rotation from k1 to k2 without downtime, configured through the environment', () => {
  const k1 = randomBytes(32).toString('base64');
  const k2 = randomBytes(32).toString('base64');
  const prefix = testPrefix();
  const raw = testClient();
  const running: FixtureApp[] = [];

  async function instance(env: Record<string, string>): Promise<FixtureApp> {
    const app = await startFixtureApp([Person], { keyPrefix: prefix, keys: localKeysFromEnv(env) });
    await app.module.get(EncryptedRedisService).schemasPublished();
    running.push(app);
    return app;
  }

  afterAll(async () => {
    for (const app of running) await app.stop();
    await cleanPrefix(raw, prefix);
    await raw.quit();
  });

  it('adds k2 decrypt-only, promotes it, re-encrypts, retires k1, and no stored value had to change first', async () => {
    const before = await instance({ ENCRYPTED_REDIS_KEYS: `k1:${k1}` });
    await before.repository(Person).save(samplePerson(Person, 'a'));

    // Step 1: every instance learns k2, still sealing with k1.
    const added = { ENCRYPTED_REDIS_KEYS: `k1:${k1},k2:${k2}`, ENCRYPTED_REDIS_PRIMARY_KEY: 'k1' };
    const oldInstance = await instance(added);
    await oldInstance.repository(Person).save(samplePerson(Person, 'b'));

    // Step 2: instances switch to k2 one by one; those not yet switched read what they write.
    const promoted = { ...added, ENCRYPTED_REDIS_PRIMARY_KEY: 'k2' };
    const newInstance = await instance(promoted);
    await newInstance.repository(Person).save(samplePerson(Person, 'c'));
    expect(await oldInstance.repository(Person).findById('c')).toEqual(samplePerson(Person, 'c'));
    expect(await newInstance.repository(Person).findById('a')).toEqual(samplePerson(Person, 'a'));
    expect([...(await envelopeKeyIds(raw, prefix)).keys()].sort()).toEqual(['k1', 'k2']);

    // Step 3: re-encrypt what is still under k1.
    const keyRing = new LocalKeyRing(localKeysFromEnv(promoted));
    const report = await reencrypt({ client: raw, keyRing, keyPrefix: prefix });
    keyRing.close();
    expect(report.outcome).toBe('complete');
    expect([...(await envelopeKeyIds(raw, prefix)).keys()]).toEqual(['k2']);

    // Step 4: retire k1; everything still opens.
    const retired = await instance({
      ENCRYPTED_REDIS_KEYS: `k2:${k2}`,
      ENCRYPTED_REDIS_RETIRED_KEYS: 'k1',
    });
    const people = retired.repository(Person);
    for (const id of ['a', 'b', 'c']) {
      expect(await people.findById(id)).toEqual(samplePerson(Person, id));
    }

    // A value sealed with k1 after the retirement (an instance left behind) is refused, naming k1.
    await oldInstance.repository(Person).update('a', { ssn: 'written by an instance left behind' });
    const error = await rejectionOf(people.findById('a'));
    expect(error).toBeInstanceOf(RetiredKeyError);
    expect(error.message).toContain('"k1"');
    expect(error.message).toContain('ssn');
  });
});
