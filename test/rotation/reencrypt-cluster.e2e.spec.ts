import type { Cluster } from 'ioredis';
import {
  EncryptedRepository,
  LocalKeyRing,
  checkpointKey,
  collectStatus,
  describeEntity,
  publishEntitySchema,
  reencrypt,
} from '../../lib/index.js';
import { startLocalCluster, type LocalCluster } from '../support/topology/redis-cluster.js';
import { personEntity, rotationKeys, samplePerson } from './rotation-fixtures.js';

const Person = personEntity('json', 'rot-cluster');
const COUNT = 300;

describe('re-encryption on a Redis Cluster (three masters)', () => {
  const keys = rotationKeys();
  const prefix = 'rot:';
  let cluster: LocalCluster;
  let client: Cluster;

  beforeAll(async () => {
    cluster = await startLocalCluster(3, 0);
    client = cluster.client();
    const keyRing = new LocalKeyRing(keys.before);
    const people = new EncryptedRepository(Person, { client, keyRing, keyPrefix: prefix });
    await publishEntitySchema(client, prefix, describeEntity(Person));
    const ids = Array.from({ length: COUNT }, (_, index) => `p${index}`);
    await people.saveMany(ids.map((id) => samplePerson(Person, id)));
    keyRing.close();
  }, 60_000);

  afterAll(async () => {
    await client?.quit();
    await cluster?.stop();
  });

  it('walks every master with its own cursor, counts each key once and leaves every value under the primary key', async () => {
    const keyRing = new LocalKeyRing(keys.during);
    const report = await reencrypt({ client, keyRing, keyPrefix: prefix, batchSize: 25 });
    expect(report.outcome).toBe('complete');
    expect(report.keys.entities).toBe(COUNT);
    expect(report.values.resealed).toBe(COUNT * 8);
    const cursors = JSON.parse(
      (await client.hget(checkpointKey(prefix, 'reencrypt'), 'cursors'))!,
    ) as Record<string, string>;
    expect(Object.values(cursors)).toEqual(['done', 'done', 'done']);
    const status = await collectStatus({ client, keyRing, keyPrefix: prefix, verify: true });
    expect(status.byKeyId).toEqual([{ keyId: 'k2', values: COUNT * 8, state: 'primary' }]);
    expect(status.allUnderPrimary).toBe(true);
    keyRing.close();
  });
});
