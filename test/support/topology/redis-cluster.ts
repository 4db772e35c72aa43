import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import {
  freePorts,
  nodeCommand,
  removeDir,
  scratchDir,
  startRedis,
  waitUntil,
  type RedisProcess,
} from './redis-process.js';

const run = promisify(execFile);

/** A real Redis Cluster of `redis-server` processes on loopback ports. */
export interface LocalCluster {
  /** The node processes; `restartNode` replaces an entry. */
  readonly nodes: RedisProcess[];
  /** Seed nodes for a client. */
  readonly startupNodes: { host: string; port: number }[];
  /** A new ioredis Cluster client for this cluster. */
  client(): Cluster;
  /** Ports of the nodes that are masters right now. */
  masters(): Promise<number[]>;
  /** Waits until every slot is served and the cluster says it is ok. */
  waitHealthy(): Promise<void>;
  /** Kills the node on `port` (SIGKILL). */
  killNode(port: number): Promise<void>;
  /** Starts a killed node again; it rejoins the cluster (as a replica if it was replaced). */
  restartNode(port: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts `masters` masters with `replicasPerMaster` replicas each and joins
 * them with `redis-cli --cluster create`. Node timeout is short so that a
 * killed master's replica is promoted within a few seconds.
 */
export async function startLocalCluster(masters = 3, replicasPerMaster = 1): Promise<LocalCluster> {
  const count = masters * (1 + replicasPerMaster);
  const ports = await freePorts(count, true);
  const dir = scratchDir('cluster');
  const nodes: RedisProcess[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.kill()));
    removeDir(dir);
  };
  try {
    for (const port of ports) {
      nodes.push(
        await startRedis(port, dir, [
          'cluster-enabled yes',
          `cluster-config-file nodes-${port}.conf`,
          'cluster-node-timeout 1500',
          'cluster-replica-validity-factor 0',
        ]),
      );
    }
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      String(replicasPerMaster),
      '--cluster-yes',
    ]);
    const cluster: LocalCluster = {
      nodes,
      startupNodes: ports.map((port) => ({ host: '127.0.0.1', port })),
      client: () =>
        new Cluster(cluster.startupNodes, {
          clusterRetryStrategy: (times) => Math.min(100 * times, 1000),
          redisOptions: { maxRetriesPerRequest: 5 },
          retryDelayOnFailover: 200,
          retryDelayOnClusterDown: 300,
        }),
      masters: async () => {
        const alive = nodes.filter(
          (node) => node.child.exitCode === null && node.child.signalCode === null,
        );
        const roles = await Promise.all(
          alive.map(
            async (node) =>
              [node.port, (await nodeCommand(node.port, 'ROLE')) as unknown[]] as const,
          ),
        );
        return roles.filter(([, role]) => role[0] === 'master').map(([port]) => port);
      },
      waitHealthy: () => waitForCluster(nodes, masters),
      killNode: async (port) => {
        await nodes.find((node) => node.port === port)!.kill();
      },
      restartNode: async (port) => {
        const index = nodes.findIndex((node) => node.port === port);
        nodes[index] = await nodes[index]!.restart();
      },
      stop,
    };
    await cluster.waitHealthy();
    return cluster;
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitForCluster(nodes: readonly RedisProcess[], masters: number): Promise<void> {
  await waitUntil('the cluster to be healthy', async () => {
    const alive = nodes.filter(
      (node) => node.child.exitCode === null && node.child.signalCode === null,
    );
    for (const node of alive) {
      const info = String(await nodeCommand(node.port, 'CLUSTER', 'INFO'));
      if (!info.includes('cluster_state:ok') || !info.includes('cluster_slots_ok:16384'))
        return false;
    }
    const roles = await Promise.all(alive.map((node) => nodeCommand(node.port, 'ROLE')));
    return roles.filter((role) => (role as unknown[])[0] === 'master').length >= masters;
  });
}
