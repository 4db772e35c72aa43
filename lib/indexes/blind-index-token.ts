import { createHmac } from 'node:crypto';
import { encodeScalar } from '../crypto/value-codec.js';
import type { DataKey } from '../keys/data-key.js';
import type { ResolvedBlindIndex } from './blind-index-options.js';

/** HKDF info naming the key of one field's blind index. */
function blindIndexKeyInfo(keyspace: string, field: string): string {
  return `nest-encrypted-redis/v1/blind-index/${keyspace}/${field}`;
}

/** Applies the index's normalisation to strings; other values are left as they are. */
function normalizeForIndex(value: unknown, index: ResolvedBlindIndex): unknown {
  if (typeof value !== 'string') return value;
  let text = value;
  for (const step of index.normalize) {
    if (step === 'trim') text = text.trim();
    else if (step === 'lowercase') text = text.toLowerCase();
    else text = text.normalize('NFKC');
  }
  return text;
}

/**
 * The bytes a value is hashed from: its type byte and value bytes, as sealed
 * (so `1` and `'1'` differ), or `undefined` for values that are not indexed
 * (`null`, `undefined`, objects and arrays).
 */
export function indexableBytes(value: unknown, index: ResolvedBlindIndex): Buffer | undefined {
  if (value === null || value === undefined) return undefined;
  const scalar = encodeScalar(normalizeForIndex(value, index));
  if (scalar === undefined) return undefined;
  const [tag, body] = scalar;
  return Buffer.concat([Buffer.of(tag), body ?? Buffer.alloc(0)]);
}

/**
 * The blind-index token of a value's {@link indexableBytes}: HMAC-SHA256
 * under the field's index key, truncated to `index.bytes`, as base64url.
 */
export function tokenOfBytes(
  key: DataKey,
  keyspace: string,
  field: string,
  bytes: Buffer,
  index: ResolvedBlindIndex,
): string {
  const mac = createHmac('sha256', key.derive(blindIndexKeyInfo(keyspace, field)))
    .update(bytes)
    .digest();
  return mac.subarray(0, index.bytes).toString('base64url');
}

/** Whether two values are equal for the index (same normalised type and bytes). */
export function sameIndexedValue(a: unknown, b: unknown, index: ResolvedBlindIndex): boolean {
  const left = indexableBytes(a, index);
  const right = indexableBytes(b, index);
  return left !== undefined && right !== undefined && left.equals(right);
}
