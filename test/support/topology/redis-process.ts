import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A `redis-server` process started by a test, on a loopback port of its own. */
export interface RedisProcess {
  readonly port: number;
  readonly dir: string;
  readonly child: ChildProcess;
  /** Kills the process (SIGKILL: no goodbye to replicas or the cluster) and waits for it. */
  kill(): Promise<void>;
  /** Starts the process again with the same configuration (a Cluster node keeps its identity). */
  restart(): Promise<RedisProcess>;
}

export async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * `count` consecutive free ports (and, for Cluster nodes, their bus ports at
 * +10000), starting somewhere random so that parallel runs rarely collide.
 */
export async function freePorts(count: number, withBus = false): Promise<number[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 9000);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    const wanted = withBus ? [...ports, ...ports.map((port) => port + 10000)] : ports;
    const free = await Promise.all(wanted.map(isPortFree));
    if (free.every(Boolean)) return ports;
  }
  throw new Error(`no ${count} consecutive free loopback ports found`);
}

/** A scratch directory for a topology's configuration and logs. */
export function scratchDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `ner-${label}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Starts `redis-server` with a configuration file written from `lines`, and waits for PING. */
export async function startRedis(
  port: number,
  dir: string,
  lines: readonly string[],
  mode: 'server' | 'sentinel' = 'server',
): Promise<RedisProcess> {
  const config = join(dir, `${mode}-${port}.conf`);
  writeFileSync(
    config,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `logfile ${join(dir, `${mode}-${port}.log`)}`,
      'save ""',
      'appendonly no',
      // Full syncs start at once instead of waiting 5 s for more replicas.
      ...(mode === 'server' ? ['repl-diskless-sync-delay 0'] : []),
      ...lines,
      '',
    ].join('\n'),
  );
  return launch(port, dir, config, mode);
}

async function launch(
  port: number,
  dir: string,
  config: string,
  mode: 'server' | 'sentinel',
): Promise<RedisProcess> {
  const child = spawn('redis-server', mode === 'sentinel' ? [config, '--sentinel'] : [config], {
    stdio: 'ignore',
  });
  await waitForPing(port, child);
  return {
    port,
    dir,
    child,
    restart: () => launch(port, dir, config, mode),
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited at start`);
    try {
      if ((await nodeCommand(port, 'PING')) === 'PONG') return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`redis-server on port ${port} did not answer PING`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch {
      // not there yet
    }
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Runs one command against a node with a short-lived connection. */
export async function nodeCommand(port: number, ...args: string[]): Promise<unknown> {
  const client = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    retryStrategy: () => null,
  });
  try {
    await client.connect();
    return await client.call(args[0]!, ...args.slice(1));
  } finally {
    client.disconnect();
  }
}
