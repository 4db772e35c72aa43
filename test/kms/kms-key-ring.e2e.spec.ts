import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { inspect } from 'node:util';
import {
  Encrypted,
  EncryptedRepository,
  KeyServiceError,
  KeyUnavailableError,
  RedisEntity,
  UnknownKeyError,
  type KmsKeyRing,
  type KmsKeyRingOptions,
} from '../../lib/index.js';
import { CaptureLogger } from '../support/capture-logger.js';
import { cleanPrefix, testClient, testPrefix } from '../support/redis.js';
import { rejectionOf } from '../support/rejection.js';
import { fakeKmsRing, startFakeKms, type FakeKmsServer } from './support/kms-fixture.js';
import { dataKeySecrets } from './support/kms-secrets.js';

@RedisEntity('kms-ring-people')
class Person {
  id!: string;
  @Encrypted() ssn!: string;
  @Encrypted() email!: string;
}

function keyIdOf(sealed: string): string {
  const bytes = Buffer.from(sealed, 'base64url');
  return bytes.subarray(3, 3 + bytes[2]!).toString('latin1');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KmsKeyRing against a local KMS endpoint and real Redis', () => {
  const logger = new CaptureLogger();
  const errors: Error[] = [];
  const rings: KmsKeyRing[] = [];
  let fake: FakeKmsServer;
  let redis: Redis;
  let prefix: string;

  function instance(options: Partial<KmsKeyRingOptions> = {}) {
    const ring = fakeKmsRing(fake, redis, prefix, options);
    rings.push(ring);
    const people = new EncryptedRepository(Person, {
      client: redis,
      keyRing: ring,
      keyPrefix: prefix,
    });
    const sealedId = async (id: string) => keyIdOf((await redis.hget(people.keyOf(id), 'ssn'))!);
    return { ring, people, sealedId };
  }

  const person = (id: string) => ({ id, ssn: `ssn-${id}`, email: `${id}@example.test` });

  beforeAll(async () => {
    fake = await startFakeKms();
    redis = testClient();
    Logger.overrideLogger(logger);
  });
  beforeEach(() => {
    prefix = testPrefix();
    fake.resetCounts();
  });
  afterEach(async () => {
    fake.recover();
    await cleanPrefix(redis, prefix);
  });
  afterAll(async () => {
    for (const ring of rings) ring.close();
    await redis.quit();
    await fake.stop();
  });

  it('opens values of another instance with exactly one Decrypt, however many it reads at once', async () => {
    const first = instance();
    for (let i = 0; i < 20; i++) await first.people.save(person(`p${i}`));
    const second = instance();
    fake.delayMs = 30;
    try {
      const found = await Promise.all(
        Array.from({ length: 20 }, (_, i) => second.people.findById(`p${i}`)),
      );
      expect(found.map((p) => p!.email)).toEqual(
        Array.from({ length: 20 }, (_, i) => `p${i}@example.test`),
      );
    } finally {
      fake.delayMs = 0;
    }
    expect(fake.count('GenerateDataKey')).toBe(1);
    expect(fake.count('Decrypt')).toBe(1);
    expect(second.ring.describe()).toEqual([
      { id: first.ring.sealingKeyId, state: 'decrypt-only' },
    ]);
  });

  it('binds every data key to an encryption context naming the application, the ring and the key', async () => {
    const first = instance({ ringName: 'orders' });
    await first.people.save(person('a'));
    const second = instance({ ringName: 'orders' });
    await second.people.findById('a');
    const id = first.ring.sealingKeyId!;
    const expected = { application: 'ner-tests', keyRing: 'orders', dataKeyId: id };
    const [generate, decrypt] = fake.requests;
    expect(generate).toMatchObject({ operation: 'GenerateDataKey', encryptionContext: expected });
    expect(decrypt).toMatchObject({ operation: 'Decrypt', encryptionContext: expected });
    expect(decrypt!.keyId).toMatch(/^arn:aws:kms:us-east-1:111122223333:key\//);
    expect(await redis.hkeys(`${prefix}__ner:kms:orders`)).toEqual([id]);
  });

  it('refuses to open values when the encryption context differs, with KeyServiceError rather than an integrity error', async () => {
    const first = instance();
    await first.people.save(person('a'));
    const stranger = instance({ application: 'another-app' });
    const error = await rejectionOf(stranger.people.findById('a'));
    errors.push(error);
    expect(error).toBeInstanceOf(KeyServiceError);
    expect(error).toMatchObject({ code: 'ERR_KEY_SERVICE', retriable: false });
    expect(error.message).toContain('InvalidCiphertextException');
    expect(error.message).toContain(`"${first.ring.sealingKeyId}"`);
  });

  it('raises UnknownKeyError naming a data key missing from the registry', async () => {
    const first = instance();
    await first.people.save(person('a'));
    await redis.hdel(first.ring.registry.key, first.ring.sealingKeyId!);
    const error = await rejectionOf(instance().people.findById('a'));
    expect(error).toBeInstanceOf(UnknownKeyError);
    expect(error.message).toContain(`"${first.ring.sealingKeyId}"`);
    expect(error.message).toMatch(/Person\.(ssn|email) of id "a"/);
  });

  it('rolls to a new data key once the cache max age has passed', async () => {
    const ring = instance({ cache: { maxAgeMs: 300, evictionGraceMs: 0 } });
    await ring.people.save(person('old'));
    const oldKey = await ring.ring.decryptionKey(ring.ring.sealingKeyId!);
    await sleep(350);
    await ring.people.save(person('new'));
    expect(await ring.sealedId('new')).not.toBe(await ring.sealedId('old'));
    expect(oldKey.destroyed).toBe(true);
    expect(fake.count('GenerateDataKey')).toBe(2);
    expect((await ring.people.findById('old'))!.ssn).toBe('ssn-old');
    expect(fake.count('Decrypt')).toBe(1);
  });

  it('rolls to a new data key once it has sealed maxUses values', async () => {
    const ring = instance({ cache: { maxUses: 5 } });
    for (const id of ['a', 'b', 'c', 'd']) await ring.people.save(person(id));
    const ids = await Promise.all(['a', 'b', 'c', 'd'].map((id) => ring.sealedId(id)));
    expect(ids[0]).toBe(ids[1]);
    expect(ids[1]).toBe(ids[2]);
    expect(ids[3]).not.toBe(ids[2]);
    expect(fake.count('GenerateDataKey')).toBe(2);
    expect(ring.ring.describe()).toEqual([
      { id: ids[0], state: 'decrypt-only' },
      { id: ids[3], state: 'primary' },
    ]);
    expect((await ring.people.findById('a'))!.ssn).toBe('ssn-a');
    expect(fake.count('Decrypt')).toBe(0);
  });

  it('zeroes the bytes of data keys it evicts for age, for room, and on close', async () => {
    const writers = [instance(), instance(), instance()];
    for (const [i, writer] of writers.entries()) await writer.people.save(person(`p${i}`));
    const reader = instance({ cache: { maxKeys: 2, maxAgeMs: 400, evictionGraceMs: 0 } });
    const keys = [];
    const subkeys = [];
    for (const writer of writers) {
      const key = await reader.ring.decryptionKey(writer.ring.sealingKeyId!);
      keys.push(key);
      subkeys.push(key.derive('probe'));
    }
    expect(keys.map((key) => key.destroyed)).toEqual([true, false, false]);
    expect(subkeys[0]!.equals(Buffer.alloc(32))).toBe(true);
    expect(subkeys[1]!.equals(Buffer.alloc(32))).toBe(false);

    await sleep(900);
    expect(keys[1]!.destroyed).toBe(true);
    expect(subkeys[1]!.equals(Buffer.alloc(32))).toBe(true);
    expect(reader.ring.describe()).toEqual([]);

    const closing = instance();
    await closing.people.save(person('q'));
    const held = await closing.ring.decryptionKey(closing.ring.sealingKeyId!);
    closing.ring.close();
    expect(held.destroyed).toBe(true);
    expect(() => closing.ring.encryptionKey()).toThrow(/closed/);
  });

  it('zeroes an evicted key only after evictionGraceMs, so an operation holding it can finish', async () => {
    const ring = instance({ cache: { maxAgeMs: 100, evictionGraceMs: 300 } });
    await ring.people.save(person('a'));
    const held = await ring.ring.encryptionKey();
    await sleep(150);
    expect(await ring.ring.encryptionKey()).not.toBe(held);
    expect(held.destroyed).toBe(false);
    await sleep(400);
    expect(held.destroyed).toBe(true);
  });

  it('writes nothing when no data key is cached and KMS cannot be reached', async () => {
    const ring = instance({ maxAttempts: 2 });
    fake.fail('KMSInternalException', Infinity, 500);
    const error = await rejectionOf(ring.people.save(person('a')));
    errors.push(error);
    expect(error).toBeInstanceOf(KeyUnavailableError);
    expect(error).toMatchObject({ retriable: true });
    expect(error.message).toContain('after 2 attempts');
    expect(await redis.exists(ring.people.keyOf('a'))).toBe(0);
    expect(await redis.exists(ring.ring.registry.key)).toBe(0);
  });

  it('raises KeyUnavailableError when the KMS endpoint does not answer at all', async () => {
    const gone = await startFakeKms();
    await gone.stop();
    const ring = fakeKmsRing(gone, redis, prefix, { maxAttempts: 1 });
    rings.push(ring);
    const error = await rejectionOf(Promise.resolve().then(() => ring.encryptionKey()));
    expect(error).toBeInstanceOf(KeyUnavailableError);
  });

  it('never puts clear or wrapped key bytes in a log line, an error or an inspected ring', async () => {
    const first = instance();
    await first.people.save(person('a'));
    const second = instance();
    fake.throttle(1);
    await second.people.findById('a');
    const secrets = await dataKeySecrets(fake, redis, first.ring);
    expect(secrets.length).toBeGreaterThan(0);
    const seen = [
      logger.text,
      inspect(first.ring, { depth: 6 }),
      JSON.stringify(first.ring.describe()),
      ...errors.map(
        (error) => `${error.message} ${error.stack ?? ''} ${inspect(error, { depth: 6 })}`,
      ),
    ].join('\n');
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(seen).not.toContain(secret);
  });
});
