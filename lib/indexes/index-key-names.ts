/**
 * Redis keys of blind indexes:
 * - an index entry is a sorted set `<prefix><keyspace>:idx:<field>:<indexKeyId>:<token>`
 *   whose members are entity ids, scored by the version of the write that added them;
 * - an entity's own bookkeeping is a hash `<entity key>:idx` (same hash tag, same
 *   slot) holding, per indexed field, `<indexKeyId>:<token>`, and the write version
 *   under `#v`.
 */
export const VERSION_FIELD = '#v';

export function indexEntryKey(
  prefix: string,
  keyspace: string,
  field: string,
  reference: string,
): string {
  return `${prefix}${keyspace}:idx:${field}:${reference}`;
}

/** `<indexKeyId>:<token>`: what the bookkeeping hash stores for a field. */
export function tokenReference(indexKeyId: string, token: string): string {
  return `${indexKeyId}:${token}`;
}

export function bookkeepingKey(entityKey: string): string {
  return `${entityKey}:idx`;
}
