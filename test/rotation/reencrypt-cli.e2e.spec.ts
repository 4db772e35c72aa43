import type { ReencryptReport } from '../../lib/index.js';
import { EncryptedRedisService, checkpointKey } from '../../lib/index.js';
import { startFixtureApp } from '../support/fixture-app.js';
import { cleanPrefix, testClient, testPrefix } from '../support/redis.js';
import { cliEnv, runCliProcess, startCli, waitFor } from './cli-process.js';
import {
  dumpAll,
  envelopeKeyIds,
  personEntity,
  rotationKeys,
  samplePerson,
} from './rotation-fixtures.js';

const Person = personEntity('hash', 'rot-cli-people');
const COUNT = 600;

describe('the reencrypt command', () => {
  const keys = rotationKeys();
  const prefix = testPrefix();
  const raw = testClient();
  const env = cliEnv({
    ENCRYPTED_REDIS_KEYS: `k1:${keys.k1},k2:${keys.k2}`,
    ENCRYPTED_REDIS_PRIMARY_KEY: 'k2',
    ENCRYPTED_REDIS_PREFIX: prefix,
  });
  const secrets = [
    keys.k1,
    keys.k2,
    ...[keys.k1, keys.k2].map((k) => Buffer.from(k, 'base64').toString('hex')),
  ];

  beforeAll(async () => {
    const app = await startFixtureApp([Person], { keyPrefix: prefix, keys: keys.before });
    await app.module.get(EncryptedRedisService).schemasPublished();
    const people = app.repository(Person);
    for (let start = 0; start < COUNT; start += 100) {
      await people.saveMany(
        Array.from({ length: 100 }, (_, index) => samplePerson(Person, `p${start + index}`)),
      );
    }
    await app.stop();
  });

  afterAll(async () => {
    await cleanPrefix(raw, prefix);
    await raw.quit();
  });

  it('killed with SIGKILL mid-way, resumes from its checkpoint and ends with every value under the primary key', async () => {
    const { child, done } = startCli(
      ['reencrypt', '--rate', '300', '--batch-size', '20', '--no-progress'],
      env,
    );
    const checkpoint = checkpointKey(prefix, 'reencrypt');
    await waitFor(async () => {
      const cursors = await raw.hget(checkpoint, 'cursors');
      return cursors !== null && cursors !== '{}';
    });
    await waitFor(async () => ((await envelopeKeyIds(raw, prefix)).get('k2') ?? 0) > 50);
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    const midway = await envelopeKeyIds(raw, prefix);
    expect(midway.get('k1')).toBeGreaterThan(0);
    expect(midway.get('k2')).toBeGreaterThan(0);
    expect(await raw.hget(checkpoint, 'state')).toBe('running');

    const resumed = await runCliProcess(['reencrypt', '--json', '--no-progress'], env);
    expect(resumed.code).toBe(0);
    const report = JSON.parse(resumed.stdout) as ReencryptReport;
    expect(report.resumed).toBe(true);
    expect(report.outcome).toBe('complete');
    expect(report.keys.entities).toBeGreaterThanOrEqual(COUNT);
    expect([...(await envelopeKeyIds(raw, prefix)).keys()]).toEqual(['k2']);
    expect(await raw.hget(checkpoint, 'state')).toBe('done');

    const app = await startFixtureApp([Person], { keyPrefix: prefix, keys: keys.after });
    const people = app.repository(Person);
    const ids = Array.from({ length: COUNT }, (_, index) => `p${index}`);
    expect(await people.findMany(ids)).toEqual(ids.map((id) => samplePerson(Person, id)));
    await app.stop();

    for (const text of [killed.stdout, killed.stderr, resumed.stdout, resumed.stderr]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });
});

describe('the reencrypt command on data it cannot fully re-encrypt', () => {
  const keys = rotationKeys();
  const prefix = testPrefix();
  const raw = testClient();
  const env = cliEnv({
    ENCRYPTED_REDIS_KEYS: `k1:${keys.k1},k2:${keys.k2}`,
    ENCRYPTED_REDIS_PRIMARY_KEY: 'k2',
  });
  let orphanKey: string;

  beforeAll(async () => {
    const app = await startFixtureApp([Person], { keyPrefix: prefix, keys: keys.before });
    await app.module.get(EncryptedRedisService).schemasPublished();
    await app.repository(Person).saveMany(['a', 'b', 'c'].map((id) => samplePerson(Person, id)));
    await app.stop();
    const orphans = await startFixtureApp([Person], {
      keyPrefix: prefix,
      keys: { keys: { k0: Buffer.alloc(32, 7).toString('base64') } },
    });
    orphanKey = orphans.repository(Person).keyOf('orphan');
    await orphans.repository(Person).save(samplePerson(Person, 'orphan'));
    await orphans.stop();
  });

  afterAll(async () => {
    await cleanPrefix(raw, prefix);
    await raw.quit();
  });

  it('writes nothing with --dry-run: every key dumps the same before and after', async () => {
    const before = await dumpAll(raw, prefix);
    const run = await runCliProcess(['reencrypt', '--prefix', prefix, '--dry-run', '--json'], env);
    expect(run.code).toBe(4);
    const report = JSON.parse(run.stdout) as ReencryptReport;
    expect(report.dryRun).toBe(true);
    expect(report.values.resealed).toBe(3 * 8);
    expect(await dumpAll(raw, prefix)).toEqual(before);
  });

  it('exits with status 4 and names the values under an unknown key, leaving them byte for byte', async () => {
    const before = await raw.dumpBuffer(orphanKey);
    const run = await runCliProcess(['reencrypt', '--prefix', prefix, '--no-progress'], env);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('partial');
    expect(run.stdout).toMatch(/outcome: +partial/);
    expect(run.stdout).toMatch(/unknown-key\s+k0\s+\S+\{orphan\}\s+ssn/);
    expect(run.stdout).toContain('by key id: k0 7');
    expect((await raw.dumpBuffer(orphanKey)).equals(before)).toBe(true);
    const counts = await envelopeKeyIds(raw, prefix);
    expect(counts.get('k1')).toBeUndefined();
    expect(counts.get('k0')).toBe(7);
  });
});
