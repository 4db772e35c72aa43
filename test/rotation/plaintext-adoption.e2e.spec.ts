import {
  EncryptedRedisService,
  reencrypt,
  type ReencryptOptions,
  type ReencryptReport,
} from '../../lib/index.js';
import { startFixtureApp } from '../support/fixture-app.js';
import { cleanPrefix, testClient, testPrefix } from '../support/redis.js';
import { dumpAll, personEntity, rotationKeys } from './rotation-fixtures.js';

/** Fields as an application wrote them before `@Encrypted()` was added: every value clear. */
const LEGACY = {
  id: 'legacy',
  name: 'Alice Legacy',
  ssn: '12345',
  born: '1990-05-01T00:00:00.000Z',
  note: 'Alice',
  home: { street: 'Main St', zip: '02134' },
  previous: [{ street: 'Old St', zip: 'Bobby' }],
  secretAddress: { street: 'Hidden', zip: '99999' },
};

describe.each(['hash', 'json'] as const)('plaintext adoption with %s storage', (storage) => {
  const Person = personEntity(storage, `rot-legacy-${storage}`);
  const keys = rotationKeys();
  const raw = testClient();
  let prefix: string;
  let key: string;

  async function run(extra: Partial<ReencryptOptions> = {}): Promise<ReencryptReport> {
    const keyRing = keys.ring(keys.during);
    try {
      return await reencrypt({ client: raw, keyRing, keyPrefix: prefix, ...extra });
    } finally {
      keyRing.close();
    }
  }

  beforeEach(async () => {
    prefix = testPrefix();
    const app = await startFixtureApp([Person], { keyPrefix: prefix, keys: keys.before });
    await app.module.get(EncryptedRedisService).schemasPublished();
    key = app.repository(Person).keyOf('legacy');
    await app.stop();
    if (storage === 'json') {
      await raw.set(key, JSON.stringify(LEGACY));
    } else {
      const fields = Object.entries(LEGACY).map(([name, value]): [string, string] => [
        name,
        typeof value === 'string' ? value : JSON.stringify(value),
      ]);
      await raw.hset(key, Object.fromEntries(fields));
    }
  });

  afterEach(() => cleanPrefix(raw, prefix));
  afterAll(() => raw.quit());

  it('reports clear values in sealed fields without the flag and leaves them byte for byte', async () => {
    const before = await dumpAll(raw, prefix);
    const report = await run();
    expect(report.outcome).toBe('partial');
    // ssn, born, note, home.zip, previous[0].zip, secretAddress and the zip inside it
    expect(report.values.plaintext).toBe(7);
    expect(report.values.adopted).toBe(0);
    expect(report.problems.map((problem) => problem.field).sort()).toEqual(
      [
        'born',
        'home.zip',
        'note',
        'previous[0].zip',
        'secretAddress',
        'secretAddress.zip',
        'ssn',
      ].sort(),
    );
    expect(report.problems.every((problem) => problem.reason === 'plaintext')).toBe(true);
    const after = await dumpAll(raw, prefix);
    for (const [name, dump] of before) {
      if (!name.includes('__ner:job:')) expect(after.get(name)).toBe(dump);
    }
  });

  it('seals clear values in place with --adopt-plaintext, typed as the module reads them', async () => {
    const report = await run({ adoptPlaintext: true });
    expect(report.outcome).toBe('complete');
    expect(report.values.adopted).toBe(7);
    const stored =
      storage === 'json' ? (await raw.get(key))! : JSON.stringify(await raw.hgetall(key));
    for (const clear of ['12345', 'Alice"', '02134', 'Bobby', '99999', '1990-05-01']) {
      expect(stored).not.toContain(clear);
    }
    expect(stored).toContain('Alice Legacy');
    const app = await startFixtureApp([Person], { keyPrefix: prefix, keys: keys.after });
    const found = (await app.repository(Person).findById('legacy'))!;
    await app.stop();
    expect(found.ssn).toBe('12345');
    expect(found.born).toEqual(new Date(LEGACY.born));
    expect(found.note).toBe('Alice');
    expect(found.home).toEqual(LEGACY.home);
    expect(found.previous).toEqual(LEGACY.previous);
    expect(found.secretAddress).toEqual(LEGACY.secretAddress);
    const again = await run({ adoptPlaintext: true, job: 'again' });
    expect(again.values.adopted).toBe(0);
    expect(again.outcome).toBe('complete');
  });
});
