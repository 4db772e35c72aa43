import { Redis } from 'ioredis';
import {
  freePorts,
  nodeCommand,
  removeDir,
  scratchDir,
  startRedis,
  waitUntil,
  type RedisProcess,
} from './redis-process.js';

export const SENTINEL_MASTER_NAME = 'nermaster';

/** A master, a replica and three sentinels, as `redis-server` processes on loopback ports. */
export interface LocalSentinel {
  /** The process started as master; `restartMaster` replaces it. */
  master: RedisProcess;
  readonly replica: RedisProcess;
  readonly sentinels: readonly RedisProcess[];
  /** ioredis options that find the master through the sentinels. */
  readonly clientOptions: {
    sentinels: { host: string; port: number }[];
    name: string;
    sentinelRetryStrategy: (times: number) => number;
  };
  /** A new ioredis client that follows the master through the sentinels. */
  client(): Redis;
  /** The port the sentinels currently name as master. */
  currentMasterPort(): Promise<number>;
  /** Starts the original master again after it was killed. */
  restartMaster(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalSentinel(): Promise<LocalSentinel> {
  const [masterPort, replicaPort, ...sentinelPorts] = await freePorts(5);
  const dir = scratchDir('sentinel');
  const started: RedisProcess[] = [];
  const stop = async () => {
    await Promise.all(started.map((process) => process.kill()));
    removeDir(dir);
  };
  try {
    const master = await startRedis(masterPort!, dir, []);
    started.push(master);
    const replica = await startRedis(replicaPort!, dir, [`replicaof 127.0.0.1 ${masterPort}`]);
    started.push(replica);
    await waitUntil('the replica to sync', async () =>
      String(await nodeCommand(replicaPort!, 'INFO', 'replication')).includes(
        'master_link_status:up',
      ),
    );
    const sentinels: RedisProcess[] = [];
    for (const port of sentinelPorts) {
      const sentinel = await startRedis(
        port,
        dir,
        [
          `sentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
          `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} 1000`,
          `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 5000`,
          `sentinel parallel-syncs ${SENTINEL_MASTER_NAME} 1`,
        ],
        'sentinel',
      );
      sentinels.push(sentinel);
      started.push(sentinel);
    }
    const clientOptions = {
      sentinels: sentinelPorts.map((port) => ({ host: '127.0.0.1', port })),
      name: SENTINEL_MASTER_NAME,
      sentinelRetryStrategy: (times: number) => Math.min(100 * times, 1000),
    };
    const currentMasterPort = async () => {
      for (const sentinel of sentinels) {
        try {
          const address = (await nodeCommand(
            sentinel.port,
            'SENTINEL',
            'get-master-addr-by-name',
            SENTINEL_MASTER_NAME,
          )) as string[];
          return Number(address[1]);
        } catch {
          // try the next sentinel
        }
      }
      throw new Error('no sentinel answered');
    };
    await waitUntil('the sentinels to see the replica', async () => {
      const replicas = (await nodeCommand(
        sentinelPorts[0]!,
        'SENTINEL',
        'replicas',
        SENTINEL_MASTER_NAME,
      )) as unknown[];
      return replicas.length >= 1;
    });
    const local: LocalSentinel = {
      master,
      replica,
      sentinels,
      clientOptions,
      restartMaster: async () => {
        local.master = await local.master.restart();
        started.push(local.master);
      },
      client: () => new Redis({ ...clientOptions, maxRetriesPerRequest: 20 }),
      currentMasterPort,
      stop,
    };
    return local;
  } catch (error) {
    await stop();
    throw error;
  }
}
