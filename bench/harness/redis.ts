import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** Default server when `REDIS_URL` is not set. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** A client for benchmarks: a command fails after one reconnection attempt. */
export function benchClient(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1 });
}

/** A key prefix that no other run uses. */
export function benchPrefix(name: string): string {
  return `ner-bench:${name}:${randomUUID()}:`;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** Deletes every key under `prefix` with SCAN and UNLINK; returns how many were deleted. */
export async function cleanPrefix(client: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(
      cursor,
      'MATCH',
      `${escapeGlob(prefix)}*`,
      'COUNT',
      1000,
    );
    if (keys.length > 0) deleted += await client.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  return deleted;
}

/** `redis_version` from INFO, for the report. */
export async function serverVersion(client: Redis): Promise<string> {
  const info = await client.info('server');
  return /^redis_version:(.+)$/m.exec(info)?.[1]?.trim() ?? 'unknown';
}

/** Bytes of a string value (STRLEN). */
export async function stringBytes(client: Redis, key: string): Promise<number> {
  return client.strlen(key);
}

/** Bytes of a hash: the UTF-8 length of every field name plus HSTRLEN of every value. */
export async function hashBytes(client: Redis, key: string): Promise<number> {
  const fields = await client.hkeys(key);
  const pipeline = client.pipeline();
  for (const field of fields) pipeline.hstrlen(key, field);
  const replies = (await pipeline.exec()) ?? [];
  let total = 0;
  for (const [index, [error, length]] of replies.entries()) {
    if (error !== null) throw error;
    total += Buffer.byteLength(fields[index]!, 'utf8') + Number(length);
  }
  return total;
}
