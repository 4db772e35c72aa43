import { InvalidIdError } from '../errors/invalid-id.error.js';

/** An entity id as accepted by the repository: a non-empty string or a safe integer. */
export type EntityId = string | number;

const MAX_ID_BYTES = 1024;

/** Validates an id and returns its string form. */
export function normalizeId(entity: string, id: unknown): string {
  if (typeof id === 'number') {
    if (!Number.isSafeInteger(id))
      throw new InvalidIdError(entity, 'a numeric id must be a safe integer');
    return String(id);
  }
  if (typeof id !== 'string') {
    throw new InvalidIdError(
      entity,
      `the id must be a string or an integer, not ${id === null ? 'null' : typeof id}`,
    );
  }
  if (id.length === 0) throw new InvalidIdError(entity, 'the id is empty');
  if (!id.isWellFormed()) throw new InvalidIdError(entity, 'the id holds an unpaired surrogate');
  if (Buffer.byteLength(id, 'utf8') > MAX_ID_BYTES) {
    throw new InvalidIdError(entity, `the id is longer than ${MAX_ID_BYTES} bytes`);
  }
  return id;
}

/** Escapes `%`, `{` and `}` so that the id never changes the key's hash tag. */
export function escapeId(id: string): string {
  if (!/[%{}]/.test(id)) return id;
  return id.replace(/[%{}]/g, (c) => (c === '%' ? '%25' : c === '{' ? '%7B' : '%7D'));
}

/**
 * The Redis key of an entity: `<prefix><keyspace>:{<id>}`. The braces make the
 * id the Cluster hash tag, so the entity and its own bookkeeping keys
 * (`<prefix><keyspace>:{<id>}:<suffix>`) share a slot.
 */
export function entityKey(prefix: string, keyspace: string, id: string): string {
  return `${prefix}${keyspace}:{${escapeId(id)}}`;
}

/** Inverse of {@link escapeId}. */
export function unescapeId(escaped: string): string {
  return escaped.replace(/%(25|7B|7D)/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

/** The id inside an entity key of this keyspace, or `undefined` when the key is not one. */
export function idFromKey(prefix: string, keyspace: string, key: string): string | undefined {
  const head = `${prefix}${keyspace}:{`;
  if (!key.startsWith(head) || !key.endsWith('}')) return undefined;
  const escaped = key.slice(head.length, -1);
  return /[{}]/.test(escaped) ? undefined : unescapeId(escaped);
}
