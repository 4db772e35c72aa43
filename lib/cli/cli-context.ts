import { Cluster, Redis } from 'ioredis';
import { DEFAULT_REDIS_URL } from '../encrypted-redis.internal-constants.js';
import { KEY_ENV, localKeysFromEnv } from '../keys/key-ring-from-env.js';
import type { KeyRing } from '../keys/key-ring.interface.js';
import { LocalKeyRing } from '../keys/local-key-ring.js';
import { KmsKeyRing } from '../kms/kms-key-ring.js';
import {
  KMS_ENV,
  kmsConfiguredInEnv,
  kmsKeyRingOptionsFromEnv,
} from '../kms/kms-options-from-env.js';
import { closeRedisClient } from '../redis/create-redis-client.js';
import type { RedisClient } from '../repository/redis-client.js';
import { CliError, ExitCode } from './exit-codes.js';

/** Environment variables the data commands read, besides the key variables of {@link KEY_ENV}. */
export const CLI_ENV = {
  /** Redis URL (`redis://` or `rediss://`); comma-separated seed nodes with `--cluster`. */
  redisUrl: 'REDIS_URL',
  /** Prefix of the application's keys, as in its `keyPrefix` option. */
  prefix: 'ENCRYPTED_REDIS_PREFIX',
} as const;

/** Connection flags shared by `status` and `reencrypt`. */
export interface ConnectionFlags {
  readonly redisUrl?: string;
  readonly cluster?: boolean;
  readonly prefix?: string;
}

/** What a data command works with. `close()` releases the client and zeroes the keys. */
export interface CliContext {
  readonly client: RedisClient;
  readonly keyRing: KeyRing | undefined;
  readonly prefix: string;
  close(): Promise<void>;
}

/**
 * Builds the key ring from the environment: local keys from
 * `ENCRYPTED_REDIS_KEYS`, `ENCRYPTED_REDIS_PRIMARY_KEY` and
 * `ENCRYPTED_REDIS_RETIRED_KEYS`, or, when `ENCRYPTED_REDIS_KMS_KEY_ID` is
 * set, an AWS KMS key ring (see `kmsKeyRingOptionsFromEnv`) whose data-key
 * registry lives in `redis` under `keyPrefix`. Every command that needs keys gets them here.
 */
export function keyRingFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  redis?: RedisClient,
  keyPrefix = '',
): KeyRing {
  if (!kmsConfiguredInEnv(env)) return new LocalKeyRing(localKeysFromEnv(env));
  if ((env[KEY_ENV.keys] ?? '').trim() !== '') {
    throw new CliError(
      `both ${KMS_ENV.keyId} and ${KEY_ENV.keys} are set; unset one`,
      ExitCode.Usage,
    );
  }
  if (redis === undefined) {
    throw new CliError('the KMS key ring needs a Redis client for its registry', ExitCode.Usage);
  }
  return new KmsKeyRing({ ...kmsKeyRingOptionsFromEnv(env), redis, keyPrefix });
}

/** Whether the environment configures any keys (so that `status` can label key ids). */
export function keysConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env[KEY_ENV.keys] ?? '').trim() !== '' || kmsConfiguredInEnv(env);
}

/** `host:port` of a Redis URL, for messages: never its user name or password. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'the configured Redis';
  }
}

/** Fails fast instead of retrying for ever: a command-line run should say at once that Redis is down. */
const RETRY = {
  maxRetriesPerRequest: 2,
  retryStrategy: (times: number) => (times > 2 ? null : 200),
};

function newClient(urls: string, cluster: boolean): RedisClient {
  if (!cluster) return new Redis(urls, { lazyConnect: true, ...RETRY });
  const nodes = urls.split(',').map((url) => {
    const parsed = new URL(url.trim());
    return { host: parsed.hostname, port: Number(parsed.port || 6379) };
  });
  const first = new URL(urls.split(',')[0]!.trim());
  return new Cluster(nodes, {
    lazyConnect: true,
    clusterRetryStrategy: RETRY.retryStrategy,
    redisOptions: {
      ...RETRY,
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  });
}

/**
 * Connects to Redis and builds the key ring. `keys`: `required` fails without
 * keys, `optional` builds a ring only when keys are configured, `none` never.
 */
export async function openCliContext(
  flags: ConnectionFlags,
  keys: 'required' | 'optional' | 'none',
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliContext> {
  const url = flags.redisUrl ?? env[CLI_ENV.redisUrl] ?? DEFAULT_REDIS_URL;
  const prefix = flags.prefix ?? env[CLI_ENV.prefix] ?? '';
  // The client is lazy: a bad key fails here, before any connection is made.
  const client = newClient(url, flags.cluster === true);
  let keyRing: KeyRing | undefined;
  try {
    keyRing =
      keys === 'required' || (keys === 'optional' && keysConfigured(env))
        ? keyRingFromEnvironment(env, client, prefix)
        : undefined;
  } catch (error) {
    client.disconnect();
    throw error;
  }
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    await keyRing?.close?.();
    throw new CliError(
      `cannot connect to Redis at ${describeRedisUrl(url.split(',')[0]!)}: ${(error as Error).message}`,
      ExitCode.RedisUnavailable,
    );
  }
  return {
    client,
    keyRing,
    prefix,
    close: async () => {
      await closeRedisClient(client);
      await keyRing?.close?.();
    },
  };
}

const CONNECTION_FAILURE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|Connection is closed|MaxRetriesPerRequest|Stream isn't writeable/i;

/**
 * Runs a data command, turning a lost Redis connection into a
 * `RedisUnavailable` exit; other failures pass through.
 */
export async function withRedis<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const text = error instanceof Error ? `${error.name} ${error.message}` : '';
    if (error instanceof CliError || !CONNECTION_FAILURE.test(text)) throw error;
    throw new CliError(
      `lost the connection to Redis: ${(error as Error).message}`,
      ExitCode.RedisUnavailable,
    );
  }
}
