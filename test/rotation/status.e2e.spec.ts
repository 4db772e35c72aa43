import {
  EncryptedRedisService,
  LocalKeyRing,
  collectStatus,
  type StatusReport,
} from '../../lib/index.js';
import { startFixtureApp } from '../support/fixture-app.js';
import { cleanPrefix, testClient, testPrefix } from '../support/redis.js';
import { cliEnv, runCliProcess } from './cli-process.js';
import { personEntity, rotationKeys, samplePerson } from './rotation-fixtures.js';

const Person = personEntity('hash', 'rot-status');

describe('status', () => {
  const keys = rotationKeys();
  const prefix = testPrefix();
  const raw = testClient();
  const ring = new LocalKeyRing(keys.during);
  const keyEnv = {
    ENCRYPTED_REDIS_KEYS: `k1:${keys.k1},k2:${keys.k2}`,
    ENCRYPTED_REDIS_PRIMARY_KEY: 'k2',
  };

  beforeAll(async () => {
    for (const [options, ids] of [
      [keys.before, ['a1', 'a2']],
      [keys.during, ['b1', 'b2', 'tampered', 'truncated']],
    ] as const) {
      const app = await startFixtureApp([Person], { keyPrefix: prefix, keys: options });
      await app.module.get(EncryptedRedisService).schemasPublished();
      await app.repository(Person).saveMany(ids.map((id) => samplePerson(Person, id)));
      await app.stop();
    }
    const keyOf = (id: string) => `${prefix}rot-status:{${id}}`;
    const ssn = (await raw.hget(keyOf('tampered'), 'ssn'))!;
    const flipped = ssn.slice(0, 20) + (ssn[20] === 'A' ? 'B' : 'A') + ssn.slice(21);
    await raw.hset(keyOf('tampered'), 'ssn', flipped);
    await raw.hset(
      keyOf('truncated'),
      'note',
      (await raw.hget(keyOf('truncated'), 'note'))!.slice(0, 30),
    );
    await raw.hset(keyOf('legacy'), { id: 'legacy', ssn: 'clear', note: 'clear too' });
    await raw.set(`${prefix}unrelated`, 'not an entity');
  });

  afterAll(async () => {
    ring.close();
    await cleanPrefix(raw, prefix);
    await raw.quit();
  });

  it('counts values by key id from their headers alone, with plaintext and damaged envelopes', async () => {
    const report = await collectStatus({ client: raw, keyPrefix: prefix, keyRing: ring });
    expect(report.verified).toBe(false);
    expect(report.keys).toEqual({ scanned: 8, entities: 7, other: 1, missing: 0 });
    expect(report.keyspaces).toEqual([{ keyspace: 'rot-status', keys: 7, schema: true }]);
    // Seven sealed values per record are visible without opening anything.
    expect(report.byKeyId).toEqual([
      { keyId: 'k1', values: 14, state: 'decrypt-only' },
      { keyId: 'k2', values: 27, state: 'primary' },
    ]);
    expect(report.plaintext).toBe(2);
    expect(report.unopenable).toEqual({ total: 1, byReason: { malformed: 1 }, byKeyId: {} });
    expect(report.allUnderPrimary).toBe(false);
  });

  it('with verify, opens every value: finds the tampered one and counts values nested in sealed ones', async () => {
    const report = await collectStatus({
      client: raw,
      keyPrefix: prefix,
      keyRing: ring,
      verify: true,
    });
    expect(report.byKeyId).toEqual([
      { keyId: 'k1', values: 16, state: 'decrypt-only' },
      { keyId: 'k2', values: 31, state: 'primary' },
    ]);
    expect(report.unopenable).toEqual({
      total: 2,
      byReason: { integrity: 1, malformed: 1 },
      byKeyId: { k2: 1 },
    });
    expect(report.problems).toContainEqual({
      key: `${prefix}rot-status:{tampered}`,
      field: 'ssn',
      reason: 'integrity',
      keyId: 'k2',
    });
  });

  it('prints the same counts as JSON from the command, without any key configured', async () => {
    const run = await runCliProcess(['status', '--json', '--prefix', prefix], cliEnv({}));
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as StatusReport;
    expect(report.byKeyId).toEqual([
      { keyId: 'k1', values: 14, state: 'no-ring' },
      { keyId: 'k2', values: 27, state: 'no-ring' },
    ]);
    expect(report.plaintext).toBe(2);
    expect(report.allUnderPrimary).toBeUndefined();
  });

  it('prints a table, and with --check exits with status 4 while values are not all under the primary', async () => {
    const env = cliEnv({ ...keyEnv, ENCRYPTED_REDIS_PREFIX: prefix });
    const run = await runCliProcess(['status', '--check'], env);
    expect(run.code).toBe(4);
    expect(run.stdout).toMatch(/k1\s+14\s+decrypt-only/);
    expect(run.stdout).toMatch(/k2\s+27\s+primary/);
    expect(run.stdout).toContain('Plaintext in sealed fields: 2');
    expect(run.stderr).toContain('not every value is under the primary key k2');
    for (const secret of [keys.k1, keys.k2]) expect(run.stdout + run.stderr).not.toContain(secret);
  });
});
