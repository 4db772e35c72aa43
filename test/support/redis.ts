import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A client for the test Redis. Close it with `quit()`. */
export function testClient(): Redis {
  return new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 });
}

/** A key prefix no other test uses. */
export function testPrefix(): string {
  return `ner-test:${randomUUID()}:`;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** Every key under a prefix, the library's `__ner:` bookkeeping keys included (SCAN, never KEYS). */
export async function allKeysUnder(client: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

/**
 * The data keys under a prefix: every key except the library's bookkeeping
 * keys (`<prefix>__ner:schema`, job checkpoints), which the module writes on its own.
 */
export async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  const bookkeeping = `${prefix}__ner:`;
  return (await allKeysUnder(client, prefix)).filter((key) => !key.startsWith(bookkeeping));
}

/** Deletes every key under a prefix. */
export async function cleanPrefix(client: Redis, prefix: string): Promise<void> {
  const keys = await allKeysUnder(client, prefix);
  for (let i = 0; i < keys.length; i += 500) await client.unlink(...keys.slice(i, i + 500));
}
