import type { Redis } from 'ioredis';
import {
  Encrypted,
  EncryptedRepository,
  IntegrityError,
  KeyUnavailableError,
  RedisEntity,
  type KmsKeyRing,
} from '../../lib/index.js';
import { CaptureLogger } from '../support/capture-logger.js';
import { startFixtureApp } from '../support/fixture-app.js';
import { cleanPrefix, testClient, testPrefix } from '../support/redis.js';
import { rejectionOf } from '../support/rejection.js';
import {
  fakeKmsConnection,
  fakeKmsRing,
  startFakeKms,
  TEST_ALIAS,
  type FakeKmsServer,
} from '../kms/support/kms-fixture.js';
import { Logger } from '@nestjs/common';

@RedisEntity('kms-patients')
class Patient {
  id!: string;
  name!: string;
  @Encrypted() ssn!: string;
}

/** The data key id in a stored envelope (base64url text). */
function keyIdOf(sealed: string): string {
  const bytes = Buffer.from(sealed, 'base64url');
  return bytes.subarray(3, 3 + bytes[2]!).toString('latin1');
}

describe('F12 concurrent saves at a cold start', () => {
  let fake: FakeKmsServer;

  beforeAll(async () => {
    fake = await startFakeKms();
  });
  afterAll(() => fake.stop());

  it('asks KMS for exactly one data key and seals all 50 values under it', async () => {
    fake.delayMs = 50;
    const app = await startFixtureApp([Patient], {
      keys: undefined,
      kms: { keyId: TEST_ALIAS, ...fakeKmsConnection(fake), application: 'ner-tests' },
    });
    try {
      const patients = app.repository(Patient);
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          patients.save({ id: `p${i}`, name: `P${i}`, ssn: `000-00-${1000 + i}` }),
        ),
      );
      expect(fake.count('GenerateDataKey')).toBe(1);
      const ids = new Set<string>();
      for (let i = 0; i < 50; i++) {
        ids.add(keyIdOf((await app.raw.hget(patients.keyOf(`p${i}`), 'ssn'))!));
      }
      expect(ids.size).toBe(1);
      const registry = await app.raw.hkeys(`${app.prefix}__ner:kms:default`);
      expect(registry).toEqual([...ids]);
      expect((await patients.findById('p7'))!.ssn).toBe('000-00-1007');
      expect(fake.count('Decrypt')).toBe(0);
    } finally {
      fake.delayMs = 0;
      await app.close();
    }
  });
});

describe('F13 KMS throttling', () => {
  const prefix = testPrefix();
  const logger = new CaptureLogger();
  let fake: FakeKmsServer;
  let redis: Redis;
  const rings: KmsKeyRing[] = [];

  function instance(): { ring: KmsKeyRing; patients: EncryptedRepository<Patient> } {
    const ring = fakeKmsRing(fake, redis, prefix);
    rings.push(ring);
    const patients = new EncryptedRepository(Patient, {
      client: redis,
      keyRing: ring,
      keyPrefix: prefix,
    });
    return { ring, patients };
  }

  beforeAll(async () => {
    fake = await startFakeKms();
    redis = testClient();
    Logger.overrideLogger(logger);
  });
  afterAll(async () => {
    for (const ring of rings) ring.close();
    await cleanPrefix(redis, prefix);
    await redis.quit();
    await fake.stop();
  });

  it('opens the first value after backoff when KMS throttles the first 2 calls, and logs the retries', async () => {
    const writer = instance();
    await writer.patients.save({ id: 'a', name: 'A', ssn: 'ssn-a' });
    const reader = instance();
    fake.resetCounts();
    fake.throttle(2);
    const found = await reader.patients.findById('a');
    expect(found!.ssn).toBe('ssn-a');
    expect(fake.count('Decrypt')).toBe(3);
    expect(logger.text).toMatch(/warn KMS Decrypt for data key "\w{8}" succeeded after 3 attempts/);
  });

  it('under constant throttling fails a cold read with a typed retriable error while cached keys keep working', async () => {
    const reader = instance();
    const writer = instance();
    const other = instance();
    await writer.patients.save({ id: 'warm', name: 'W', ssn: 'ssn-warm' });
    await other.patients.save({ id: 'cold', name: 'C', ssn: 'ssn-cold' });
    expect((await reader.patients.findById('warm'))!.ssn).toBe('ssn-warm');

    fake.throttle();
    try {
      const error = await rejectionOf(reader.patients.findById('cold'));
      expect(error).toBeInstanceOf(KeyUnavailableError);
      expect(error).not.toBeInstanceOf(IntegrityError);
      expect(error).toMatchObject({ code: 'ERR_KEY_UNAVAILABLE', retriable: true });
      expect(error.message).toContain(
        keyIdOf((await redis.hget(other.patients.keyOf('cold'), 'ssn'))!),
      );
      expect(error.message).toContain('ThrottlingException');
      expect(error.message).not.toContain('ssn-cold');

      expect((await reader.patients.findById('warm'))!.ssn).toBe('ssn-warm');
      await writer.patients.save({ id: 'warm2', name: 'W2', ssn: 'ssn-warm2' });
      expect((await writer.patients.findById('warm2'))!.ssn).toBe('ssn-warm2');

      const refused = await rejectionOf(reader.patients.save({ id: 'new', name: 'N', ssn: 'x' }));
      expect(refused).toBeInstanceOf(KeyUnavailableError);
      expect(await redis.exists(reader.patients.keyOf('new'))).toBe(0);
      expect(logger.text).toMatch(/error KMS Decrypt for data key "\w{8}" failed after 3 attempt/);
    } finally {
      fake.recover();
    }
    expect((await reader.patients.findById('cold'))!.ssn).toBe('ssn-cold');
  });
});
