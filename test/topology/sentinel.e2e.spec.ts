import { Test, type TestingModule } from '@nestjs/testing';
import {
  Encrypted,
  EncryptedRedisModule,
  EncryptedRepository,
  getEncryptedRepositoryToken,
  RedisEntity,
} from '../../lib/index.js';
import { singleKey } from '../support/keys.js';
import { nodeCommand, sleep, waitUntil } from '../support/topology/redis-process.js';
import { startLocalSentinel, type LocalSentinel } from '../support/topology/redis-sentinel.js';

@RedisEntity('sn-visits')
class Visit {
  id!: string;
  clinic!: string;
  @Encrypted() reason!: string;
}

const visit = (id: string) =>
  Object.assign(new Visit(), { id, clinic: 'north', reason: `reason of ${id}` });

describe('Redis Sentinel (master, replica, three sentinels)', () => {
  let sentinel: LocalSentinel;
  let module: TestingModule;

  beforeAll(async () => {
    sentinel = await startLocalSentinel();
    module = await Test.createTestingModule({
      imports: [
        EncryptedRedisModule.forRoot({
          connection: { ...sentinel.clientOptions, maxRetriesPerRequest: 50 },
          keys: singleKey(),
          waitForReplicas: { replicas: 1, timeoutMs: 500 },
        }),
        EncryptedRedisModule.forFeature([Visit]),
      ],
    }).compile();
    await module.init();
  }, 60_000);

  afterAll(async () => {
    await module?.close();
    await sentinel?.stop();
  });

  it('keeps reading and writing after a failover, with every confirmed write still there', async () => {
    const visits = module.get<EncryptedRepository<Visit>>(getEncryptedRepositoryToken(Visit));
    const acknowledged: string[] = [];
    for (let i = 0; i < 100; i++) {
      await visits.save(visit(`before-${i}`));
      acknowledged.push(`before-${i}`);
    }
    const oldMaster = sentinel.master.port;
    await sentinel.master.kill();
    await waitUntil(
      'a sentinel to promote the replica',
      async () => (await sentinel.currentMasterPort()) !== oldMaster,
    );
    expect(await sentinel.currentMasterPort()).toBe(sentinel.replica.port);

    // The old master comes back empty and is attached to the new one, as an orchestrator does
    // (the sentinels would do it too, some seconds later).
    await sentinel.restartMaster();
    await nodeCommand(oldMaster, 'REPLICAOF', '127.0.0.1', String(sentinel.replica.port));
    await waitUntil(
      'the old master to replicate from the new one',
      async () =>
        String(await nodeCommand(oldMaster, 'INFO', 'replication')).includes(
          'master_link_status:up',
        ),
      60_000,
    );
    for (let i = 0; i < 100; i++) {
      for (let attempt = 0; ; attempt++) {
        try {
          await visits.save(visit(`after-${i}`));
          acknowledged.push(`after-${i}`);
          break;
        } catch (error) {
          if (attempt > 20) throw error;
          await sleep(200);
        }
      }
    }
    const found = await visits.findMany(acknowledged);
    expect(found.map((entry) => entry?.reason)).toEqual(
      acknowledged.map((id) => `reason of ${id}`),
    );
    expect((await visits.update('before-1', { clinic: 'south' })).clinic).toBe('south');
  }, 120_000);
});
