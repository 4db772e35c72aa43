import type { Redis } from 'ioredis';
import type { EncryptedRepository } from '../../lib/index.js';

/** Reads the stored text of one top-level field, for hash or JSON storage. */
export async function readStoredField(
  raw: Redis,
  repository: EncryptedRepository<object>,
  id: string,
  field: string,
): Promise<string> {
  const key = repository.keyOf(id);
  if (repository.entity.storage === 'hash') {
    const value = await raw.hget(key, field);
    if (value === null) throw new Error(`no field ${field} at ${key}`);
    return value;
  }
  const doc = JSON.parse((await raw.get(key))!) as Record<string, unknown>;
  return doc[field] as string;
}

/** Overwrites the stored text of one top-level field, bypassing the library, keeping the expiry. */
export async function writeStoredField(
  raw: Redis,
  repository: EncryptedRepository<object>,
  id: string,
  field: string,
  value: unknown,
): Promise<void> {
  const key = repository.keyOf(id);
  if (repository.entity.storage === 'hash') {
    await raw.hset(key, field, String(value));
    return;
  }
  const doc = JSON.parse((await raw.get(key)) ?? '{}') as Record<string, unknown>;
  doc[field] = value;
  await raw.set(key, JSON.stringify(doc), 'KEEPTTL');
}
