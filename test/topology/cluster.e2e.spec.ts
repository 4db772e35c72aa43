import { jest } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Cluster } from 'ioredis';
import {
  BatchOperationError,
  Encrypted,
  EncryptedRedisModule,
  ENCRYPTED_REDIS_CLIENT,
  EncryptedRepository,
  getEncryptedRepositoryToken,
  IntegrityError,
  LocalKeyRing,
  RedisEntity,
} from '../../lib/index.js';
import { singleKey, testKey } from '../support/keys.js';
import { rejectionOf } from '../support/rejection.js';
import { startLocalCluster, type LocalCluster } from '../support/topology/redis-cluster.js';
import { sleep } from '../support/topology/redis-process.js';

function entities(storage: 'hash' | 'json') {
  @RedisEntity(`cl-members-${storage}`, { storage })
  class Member {
    id!: string;
    team!: string;
    @Encrypted() email!: string;
  }
  return Member;
}
const HashMember = entities('hash');
const JsonMember = entities('json');
type Member = InstanceType<typeof HashMember>;

const member = (id: string): Member =>
  Object.assign(new HashMember(), { id, team: 'blue', email: `${id}@example.test` });

describe('Redis Cluster (three masters, three replicas)', () => {
  let cluster: LocalCluster;
  let module: TestingModule;

  beforeAll(async () => {
    cluster = await startLocalCluster(3, 1);
    module = await Test.createTestingModule({
      imports: [
        EncryptedRedisModule.forRoot({
          connection: { cluster: { nodes: cluster.startupNodes } },
          keys: singleKey(),
        }),
        EncryptedRedisModule.forFeature([HashMember, JsonMember]),
      ],
    }).compile();
    await module.init();
  }, 60_000);

  afterAll(async () => {
    await module?.close();
    await cluster?.stop();
  });

  describe.each([
    ['hash', HashMember],
    ['json', JsonMember],
  ] as const)('with %s storage', (_storage, Entity) => {
    const repository = () =>
      module.get<EncryptedRepository<Member>>(getEncryptedRepositoryToken(Entity));

    it('saves, finds, updates and deletes, ids with braces and non-ASCII characters included', async () => {
      const members = repository();
      for (const id of ['plain', 'with{braces}', '}leading', 'ünïcødé-名前', '{}', '%7B']) {
        await members.save(Object.assign(member(id), { id }));
        expect(await members.findById(id)).toEqual(Object.assign(new Entity(), member(id), { id }));
        expect((await members.update(id, { team: 'red' })).team).toBe('red');
        expect(await members.exists(id)).toBe(true);
        expect(await members.delete(id)).toBe(true);
        expect(await members.findById(id)).toBeNull();
      }
    });

    it('groups batch writes and reads by node and reports a failed item by index', async () => {
      const members = repository();
      const ids = Array.from({ length: 200 }, (_, i) => `batch-${i}`);
      const client = module.get<Cluster>(ENCRYPTED_REDIS_CLIENT);
      const pipeline = jest.spyOn(client, 'pipeline');
      await members.saveMany(ids.map((id) => Object.assign(new Entity(), member(id))));
      // One pipeline per master that holds some of the 200 keys: never one per key, never none.
      expect(pipeline.mock.calls.length).toBeGreaterThanOrEqual(1);
      expect(pipeline.mock.calls.length).toBeLessThanOrEqual(3);
      pipeline.mockClear();
      const found = await members.findMany(ids);
      expect(pipeline.mock.calls.length).toBeGreaterThanOrEqual(1);
      expect(pipeline.mock.calls.length).toBeLessThanOrEqual(3);
      pipeline.mockRestore();
      expect(found.map((entity) => entity?.email)).toEqual(ids.map((id) => `${id}@example.test`));

      const raw = client;
      const [victim, source] = [members.keyOf('batch-7'), members.keyOf('batch-8')];
      if (members.entity.storage === 'hash') {
        await raw.hset(victim, 'email', (await raw.hget(source, 'email'))!);
      } else {
        const doc = JSON.parse((await raw.get(victim))!) as Record<string, string>;
        doc.email = (JSON.parse((await raw.get(source))!) as Record<string, string>).email!;
        await raw.set(victim, JSON.stringify(doc));
      }
      const error = (await rejectionOf(members.findMany(ids))) as unknown as BatchOperationError;
      expect(error.failures).toHaveLength(1);
      expect(error.failures[0]).toMatchObject({ index: 7, id: 'batch-7' });
      expect(error.failures[0]!.error).toBeInstanceOf(IntegrityError);
      expect(await members.deleteMany(ids)).toBe(200);
    });
  });

  it('keeps serving after a master is killed, losing no write that replicas confirmed', async () => {
    const client = cluster.client();
    const members = new EncryptedRepository(HashMember, {
      client,
      keyRing: new LocalKeyRing({ keys: { k1: testKey() } }),
      keyPrefix: 'failover:',
      waitForReplicas: { replicas: 1, timeoutMs: 500 },
    });
    const acknowledged: string[] = [];
    const [victim] = await cluster.masters();
    let failures = 0;
    let phase: 'before' | 'killed' | 'restarted' = 'before';
    const deadline = Date.now() + 45_000;
    for (
      let i = 0;
      Date.now() < deadline && (phase !== 'restarted' || acknowledged.length < 900);
      i++
    ) {
      if (phase === 'before' && i === 300) {
        await cluster.killNode(victim!);
        phase = 'killed';
      }
      // Restarting an empty node before its replica has taken over would wipe that replica.
      if (phase === 'killed' && i % 20 === 0 && (await cluster.masters()).length === 3) {
        await cluster.restartNode(victim!);
        phase = 'restarted';
      }
      const id = `m-${i}`;
      try {
        await members.save(member(id));
        acknowledged.push(id);
      } catch {
        failures++;
        await sleep(50);
      }
    }
    await cluster.waitHealthy();
    expect(phase).toBe('restarted');
    expect(acknowledged.length).toBeGreaterThanOrEqual(900);
    const found = await members.findMany(acknowledged);
    expect(found.filter((entity) => entity === null)).toHaveLength(0);
    expect(found.map((entity) => entity!.email)).toEqual(
      acknowledged.map((id) => `${id}@example.test`),
    );
    expect(failures).toBeLessThan(acknowledged.length);
    client.disconnect();
  }, 90_000);
});
