import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  EncryptedRedisService,
  reencrypt,
  type EncryptedRepository,
  type LocalKeyRingOptions,
  type ReencryptOptions,
  type ReencryptReport,
} from '../../lib/index.js';
import { readRecords, swapRecords } from '../../lib/operations/record-access.js';
import { startFixtureApp, type FixtureApp } from '../support/fixture-app.js';
import { cleanPrefix, testClient, testPrefix } from '../support/redis.js';
import {
  dumpAll,
  envelopeKeyIds,
  personEntity,
  rotationKeys,
  samplePerson,
  type PersonClass,
} from './rotation-fixtures.js';

/**
 * The client, except that just before its `pipeline`-th pipeline runs,
 * `race` runs: the application writing between the job's read and its write.
 */
function racingClient(client: Redis, pipeline: number, race: () => Promise<void>): Redis {
  let count = 0;
  return new Proxy(client, {
    get(target, property) {
      if (property === 'pipeline') {
        return () => {
          const created = target.pipeline();
          const exec = created.exec.bind(created);
          count++;
          if (count === pipeline) created.exec = async () => race().then(() => exec());
          return created;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function'
        ? (value as (...args: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

describe.each(['hash', 'json'] as const)('re-encryption safety with %s storage', (storage) => {
  const Person = personEntity(storage, `rot-safety-${storage}`);
  const keys = rotationKeys();
  const raw = testClient();
  let prefix: string;
  let apps: FixtureApp[] = [];

  async function app(
    options: LocalKeyRingOptions,
  ): Promise<EncryptedRepository<PersonClass['prototype']>> {
    const started = await startFixtureApp([Person], { keyPrefix: prefix, keys: options });
    await started.module.get(EncryptedRedisService).schemasPublished();
    apps.push(started);
    return started.repository(Person);
  }

  async function seed(count: number, options = keys.before): Promise<string[]> {
    const people = await app(options);
    const ids = Array.from({ length: count }, (_, index) => `p${index}`);
    await people.saveMany(ids.map((id) => samplePerson(Person, id)));
    return ids;
  }

  async function run(extra: Partial<ReencryptOptions> = {}): Promise<ReencryptReport> {
    const keyRing = keys.ring(keys.during);
    try {
      return await reencrypt({ client: raw, keyRing, keyPrefix: prefix, batchSize: 5, ...extra });
    } finally {
      keyRing.close();
    }
  }

  beforeEach(() => {
    prefix = testPrefix();
    apps = [];
  });

  afterEach(async () => {
    for (const started of apps) await started.stop();
    await cleanPrefix(raw, prefix);
  });

  afterAll(() => raw.quit());

  it('loses no update made by concurrent writers while the job runs', async () => {
    const ids = await seed(40);
    const people = await app(keys.during);
    const last = new Map<string, string>();
    let writing = true;
    const writer = async (worker: number) => {
      for (let round = 0; writing; round++) {
        const id = ids[(round * 7 + worker) % ids.length]!;
        const ssn = `w${worker}-${round}`;
        await people.update(id, { ssn });
        last.set(id, ssn);
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    const report = await run({ batchSize: 3 });
    writing = false;
    await Promise.all(writers);
    expect(report.values.unopenable).toBe(0);
    for (const id of ids) {
      const found = (await people.findById(id))!;
      expect(found.ssn).toBe(last.get(id) ?? `ssn-${id}`);
      expect(found.home!.zip).toBe(`zip-${id}`);
    }
    const again = await run({ job: 'again' });
    expect(again.outcome).toBe('complete');
    expect([...(await envelopeKeyIds(raw, prefix)).keys()]).toEqual(['k2']);
  });

  it.each([
    [3, 'retries it and keeps the application value', { retried: 1, left: 0 }],
    [1, 'leaves it for the next run when out of attempts', { retried: 0, left: 1 }],
  ])(
    'when the application changes a record between the read and the write, with %i attempt(s) it %s',
    async (attempts, _what, concurrent) => {
      const [id] = await seed(1);
      const people = await app(keys.during);
      const client = racingClient(raw, 2, () =>
        people.update(id!, { ssn: 'new' }).then(() => undefined),
      );
      const report = await run({ client, attempts });
      expect(report.concurrent).toEqual(concurrent);
      expect(report.outcome).toBe(concurrent.left === 0 ? 'complete' : 'partial');
      const found = (await people.findById(id!))!;
      expect(found.ssn).toBe('new');
      expect(found.secretAddress!.zip).toBe(`hidden-${id!}`);
    },
  );

  it('never overwrites a record that changed between the read and the write', async () => {
    const [id] = await seed(1);
    const people = await app(keys.during);
    const key = people.keyOf(id!);
    const [before] = await readRecords(raw, [key]);
    await people.update(id!, { ssn: 'changed by the application' });
    const change =
      storage === 'hash'
        ? ({
            kind: 'hash',
            fields: [['ssn', (before as { fields: Record<string, string> }).fields.ssn!, 'stale']],
          } as const)
        : ({
            kind: 'string',
            expected: (before as { text: string }).text,
            next: '{"id":"stale"}',
          } as const);
    expect(await swapRecords(raw, [{ key, change }])).toEqual(['changed']);
    expect((await people.findById(id!))!.ssn).toBe('changed by the application');
  });

  it('keeps the remaining TTL, leaves keys without TTL without one, and brings back no expired key', async () => {
    const ids = await seed(12);
    const people = await app(keys.before);
    for (const id of ids.slice(0, 4)) await raw.pexpire(people.keyOf(id), 600_000);
    for (const id of ids.slice(4, 8)) await raw.pexpire(people.keyOf(id), 150);
    const report = await run({ batchSize: 2, keysPerSecond: 40 });
    expect(report.outcome).toBe('complete');
    for (const id of ids.slice(0, 4)) {
      const ttl = await raw.pttl(people.keyOf(id));
      expect(ttl).toBeGreaterThan(590_000);
      expect(ttl).toBeLessThanOrEqual(600_000);
    }
    for (const id of ids.slice(4, 8)) expect(await raw.exists(people.keyOf(id))).toBe(0);
    for (const id of ids.slice(8)) expect(await raw.pttl(people.keyOf(id))).toBe(-1);
  });

  it('does not bring back a key that expires after it was read', async () => {
    const [id] = await seed(1);
    const people = await app(keys.during);
    const key = people.keyOf(id!);
    await raw.pexpire(key, 30);
    const [before] = await readRecords(raw, [key]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const change =
      storage === 'hash'
        ? ({
            kind: 'hash',
            fields: [['ssn', (before as { fields: Record<string, string> }).fields.ssn!, 'x']],
          } as const)
        : ({ kind: 'string', expected: (before as { text: string }).text, next: '{}' } as const);
    expect(await swapRecords(raw, [{ key, change }])).toEqual(['changed']);
    expect(await raw.exists(key)).toBe(0);
  });

  it('leaves values under an unknown or retired key byte for byte, names them and says partial', async () => {
    await seed(3, keys.before);
    const k0 = randomBytes(32).toString('base64');
    const orphans = await app({ keys: { k0 } });
    await orphans.save(samplePerson(Person, 'orphan'));
    const orphanKey = orphans.keyOf('orphan');
    const before = await raw.dumpBuffer(orphanKey);
    const report = await run();
    expect(report.outcome).toBe('partial');
    expect(report.unopenableByReason).toEqual({ 'unknown-key': 7 });
    expect(report.unopenableByKeyId).toEqual({ k0: 7 });
    expect(report.problems).toContainEqual({
      key: orphanKey,
      field: 'ssn',
      reason: 'unknown-key',
      keyId: 'k0',
    });
    expect(report.problems).toContainEqual({
      key: orphanKey,
      field: 'previous[1].zip',
      reason: 'unknown-key',
      keyId: 'k0',
    });
    expect((await raw.dumpBuffer(orphanKey)).equals(before)).toBe(true);

    const retiring = keys.ring({ keys: { k2: keys.k2 }, retired: ['k0'] });
    const retired = await reencrypt({
      client: raw,
      keyRing: retiring,
      keyPrefix: prefix,
      job: 'r',
    });
    retiring.close();
    expect(retired.outcome).toBe('partial');
    expect(retired.unopenableByReason).toEqual({ 'retired-key': 7 });
    expect((await raw.dumpBuffer(orphanKey)).equals(before)).toBe(true);
  });

  it('writes nothing in a dry run, not even a checkpoint', async () => {
    await seed(6);
    const people = await app(keys.before);
    await raw.pexpire(people.keyOf('p1'), 600_000);
    const before = await dumpAll(raw, prefix);
    const report = await run({ dryRun: true, adoptPlaintext: true });
    expect(report.values.resealed).toBe(6 * 8);
    expect(report.keys.written).toBe(6);
    expect(await dumpAll(raw, prefix)).toEqual(before);
  });
});
