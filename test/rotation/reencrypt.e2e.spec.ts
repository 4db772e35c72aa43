import {
  EncryptedRedisService,
  reencrypt,
  schemaRegistryKey,
  type ReencryptReport,
} from '../../lib/index.js';
import { startFixtureApp, type FixtureApp } from '../support/fixture-app.js';
import { cleanPrefix, testClient, testPrefix } from '../support/redis.js';
import { envelopeKeyIds, personEntity, rotationKeys, samplePerson } from './rotation-fixtures.js';

describe.each(['hash', 'json'] as const)('re-encryption with %s storage', (storage) => {
  const Person = personEntity(storage);
  const keys = rotationKeys();
  const prefix = testPrefix();
  const raw = testClient();

  async function app(options = keys.before): Promise<FixtureApp> {
    const started = await startFixtureApp([Person], { keyPrefix: prefix, keys: options });
    await started.module.get(EncryptedRedisService).schemasPublished();
    return started;
  }

  async function run(
    extra: Partial<Parameters<typeof reencrypt>[0]> = {},
  ): Promise<ReencryptReport> {
    const keyRing = keys.ring(keys.during);
    try {
      return await reencrypt({ client: raw, keyRing, keyPrefix: prefix, batchSize: 7, ...extra });
    } finally {
      keyRing.close();
    }
  }

  beforeAll(async () => {
    const first = await app();
    await first
      .repository(Person)
      .saveMany(Array.from({ length: 20 }, (_, index) => samplePerson(Person, `p${index}`)));
    await first.stop();
  });

  afterAll(async () => {
    await cleanPrefix(raw, prefix);
    await raw.quit();
  });

  it('publishes the schema of each entity, nested sealed paths included', async () => {
    const published = JSON.parse(
      (await raw.hget(
        schemaRegistryKey(prefix),
        Person.name === '' ? '' : `rot-people-${storage}`,
      ))!,
    ) as {
      storage: string;
      sealed: { path: string }[];
    };
    expect(published.storage).toBe(storage);
    expect(published.sealed.map((entry) => entry.path).sort()).toEqual(
      [
        'born',
        'home.zip',
        'note',
        'previous[*].zip',
        'secretAddress',
        'secretAddress.zip',
        'ssn',
      ].sort(),
    );
  });

  it('seals every value under the primary key at every depth and the data still reads back', async () => {
    expect([...(await envelopeKeyIds(raw, prefix)).keys()]).toEqual(['k1']);
    const report = await run();
    expect(report.outcome).toBe('complete');
    expect(report.keys.entities).toBe(20);
    // ssn, born, note, home.zip, 2 x previous.zip, secretAddress and the zip inside it
    expect(report.values.resealed).toBe(20 * 8);
    expect(report.values.unopenable).toBe(0);
    expect([...(await envelopeKeyIds(raw, prefix)).keys()]).toEqual(['k2']);
    const after = await app(keys.after);
    const people = after.repository(Person);
    for (let index = 0; index < 20; index++) {
      expect(await people.findById(`p${index}`)).toEqual(samplePerson(Person, `p${index}`));
    }
    await after.stop();
  });

  it('re-encrypts a keyspace with no published schema, finding sealed values by their format', async () => {
    const bare = testPrefix();
    const seeded = await startFixtureApp([Person], { keyPrefix: bare, keys: keys.before });
    await seeded.module.get(EncryptedRedisService).schemasPublished();
    await seeded.repository(Person).save(samplePerson(Person, 'old'));
    await seeded.stop();
    await raw.del(schemaRegistryKey(bare));
    const keyRing = keys.ring(keys.during);
    const report = await reencrypt({ client: raw, keyRing, keyPrefix: bare });
    keyRing.close();
    expect(report.keyspacesByFormat).toEqual([`rot-people-${storage}`]);
    expect(report.values.resealed).toBe(8);
    expect([...(await envelopeKeyIds(raw, bare)).keys()]).toEqual(['k2']);
    const after = await startFixtureApp([Person], { keyPrefix: bare, keys: keys.after });
    expect(await after.repository(Person).findById('old')).toEqual(samplePerson(Person, 'old'));
    await after.close();
  });

  it('is idempotent: a second run finds every value current and writes nothing', async () => {
    const report = await run({ job: 'second' });
    expect(report.outcome).toBe('complete');
    expect(report.values.resealed).toBe(0);
    expect(report.keys.written).toBe(0);
    expect(report.values.current).toBeGreaterThanOrEqual(20 * 7);
  });
});
