import { randomBytes } from 'node:crypto';
import {
  Encrypted,
  KeyConfigurationError,
  RedisEntity,
  UnknownKeyError,
  type LocalKeyRingOptions,
} from '../../lib/index.js';
import { CaptureLogger } from '../support/capture-logger.js';
import { startFixtureApp, type FixtureApp } from '../support/fixture-app.js';
import { cleanPrefix, testClient, testPrefix } from '../support/redis.js';
import { rejectionOf } from '../support/rejection.js';

@RedisEntity('kr-patients')
class Patient {
  id!: string;
  @Encrypted() ssn!: string;
}

describe('F11 key ring configuration and rotation', () => {
  const prefix = testPrefix();
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const logger = new CaptureLogger();
  const errors: Error[] = [];
  const secretTexts = [k1, k2].flatMap((key) => [
    key.toString('base64'),
    key.toString('base64url'),
    key.toString('hex'),
  ]);

  async function start(keys: LocalKeyRingOptions): Promise<FixtureApp> {
    return startFixtureApp([Patient], { keyPrefix: prefix, keys }, logger);
  }

  afterAll(async () => {
    const raw = testClient();
    await cleanPrefix(raw, prefix);
    await raw.quit();
  });

  it('fails startup for a 31-byte key, naming k1 and 32 bytes', async () => {
    const short = randomBytes(31);
    const error = await rejectionOf(start({ keys: { k1: short.toString('base64') } }));
    errors.push(error);
    expect(error).toBeInstanceOf(KeyConfigurationError);
    expect(error.message).toContain('"k1"');
    expect(error.message).toContain('32 bytes');
    expect(error.message).not.toContain(short.toString('base64'));
  });

  it('opens old and new records after the primary moves from k1 to k2, k1 kept decrypt-only', async () => {
    const first = await start({ keys: { k1: k1.toString('base64') } });
    await first.repository(Patient).save({ id: 'old', ssn: 'old-ssn' });
    await first.stop();

    const second = await start({
      keys: { k1: k1.toString('base64'), k2: k2.toString('base64') },
      primary: 'k2',
    });
    const patients = second.repository(Patient);
    try {
      await patients.save({ id: 'new', ssn: 'new-ssn' });
      expect(await patients.findById('old')).toEqual(
        Object.assign(new Patient(), { id: 'old', ssn: 'old-ssn' }),
      );
      expect(await patients.findById('new')).toEqual(
        Object.assign(new Patient(), { id: 'new', ssn: 'new-ssn' }),
      );
      const sealed = Buffer.from(
        (await second.raw.hget(patients.keyOf('new'), 'ssn'))!,
        'base64url',
      );
      expect(sealed.subarray(3, 3 + sealed[2]!).toString()).toBe('k2');
    } finally {
      await second.stop();
    }
  });

  it('raises a typed error naming k1 once k1 is removed, while k2 records still open', async () => {
    const third = await start({ keys: { k2: k2.toString('base64') } });
    const patients = third.repository(Patient);
    try {
      const error = await rejectionOf(patients.findById('old'));
      errors.push(error);
      expect(error).toBeInstanceOf(UnknownKeyError);
      expect(error.message).toContain('"k1"');
      expect((await patients.findById('new'))!.ssn).toBe('new-ssn');
    } finally {
      await third.stop();
    }
  });

  it('never writes key bytes into any log line or error', () => {
    const seen = [
      logger.text,
      ...errors.map((error) => `${error.message} ${error.stack ?? ''}`),
    ].join('\n');
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const secret of secretTexts) expect(seen).not.toContain(secret);
  });
});
