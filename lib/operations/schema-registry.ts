import type { RedisClient } from '../repository/redis-client.js';
import { parseDescriptor, type EntityDescriptor } from './schema-descriptor.js';

/**
 * Keys the library keeps for itself start with `<prefix>__ner:`. Entity names
 * cannot start with `__`, so these never collide with entity keys.
 */
export const BOOKKEEPING_MARK = '__ner:';

/** The hash holding one descriptor per keyspace: field = keyspace, value = descriptor JSON. */
export function schemaRegistryKey(prefix: string): string {
  return `${prefix}${BOOKKEEPING_MARK}schema`;
}

/** Whether a key under `prefix` is one of the library's bookkeeping keys. */
export function isBookkeepingKey(prefix: string, key: string): boolean {
  return key.startsWith(`${prefix}${BOOKKEEPING_MARK}`);
}

/** Writes the descriptor of one entity into the registry, replacing the previous one. */
export async function publishEntitySchema(
  client: RedisClient,
  prefix: string,
  descriptor: EntityDescriptor,
): Promise<void> {
  const published = { ...descriptor, publishedAt: new Date().toISOString() };
  await client.hset(schemaRegistryKey(prefix), descriptor.keyspace, JSON.stringify(published));
}

/** The descriptors published under `prefix`, by keyspace; unreadable entries are left out. */
export async function readEntitySchemas(
  client: RedisClient,
  prefix: string,
): Promise<Map<string, EntityDescriptor>> {
  const entries = await client.hgetall(schemaRegistryKey(prefix));
  const out = new Map<string, EntityDescriptor>();
  for (const [keyspace, text] of Object.entries(entries)) {
    const descriptor = parseDescriptor(text);
    if (descriptor !== undefined && descriptor.keyspace === keyspace) {
      out.set(keyspace, descriptor);
    }
  }
  return out;
}
