import { idFromKey } from '../repository/redis-keys.js';

/** An entity key taken apart: `<prefix><keyspace>:{<escaped id>}`. */
export interface EntityKeyParts {
  readonly keyspace: string;
  readonly id: string;
}

/**
 * The keyspace and id of an entity key under `prefix`, or `undefined` for any
 * other key. The id part holds no braces (they are escaped), so the last `:{`
 * separates keyspace and id.
 */
export function parseEntityKey(prefix: string, key: string): EntityKeyParts | undefined {
  if (!key.startsWith(prefix) || !key.endsWith('}')) return undefined;
  const separator = key.lastIndexOf(':{');
  if (separator <= prefix.length) return undefined;
  const keyspace = key.slice(prefix.length, separator);
  if (keyspace.startsWith('__') || /[{}:]/.test(keyspace)) return undefined;
  const id = idFromKey(prefix, keyspace, key);
  return id === undefined || id === '' ? undefined : { keyspace, id };
}

const MAX_SHOWN = 96;

/** A Redis key name short enough for reports: long names keep their start and end. */
export function shortenKey(key: string, max = MAX_SHOWN): string {
  if (key.length <= max) return key;
  const head = Math.ceil((max - 1) / 2);
  return `${key.slice(0, head)}…${key.slice(key.length - (max - 1 - head))}`;
}
