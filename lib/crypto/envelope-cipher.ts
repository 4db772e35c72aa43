import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import type { DataKey } from '../keys/data-key.js';
import {
  envelopeHeader,
  NONCE_LENGTH,
  TAG_LENGTH,
  type ParsedEnvelope,
} from './envelope-format.js';

const CIPHER = 'aes-256-gcm';

/**
 * Random nonces are drawn from the CSPRNG 512 at a time: one call per value
 * costs more than the encryption. The pool is filled on first use (never at
 * import, so a startup snapshot cannot hold it) and each nonce is used once.
 */
const NONCE_POOL = Buffer.alloc(NONCE_LENGTH * 512);
let noncePosition = NONCE_POOL.length;

function fillNonce(out: Buffer, at: number): void {
  if (noncePosition === NONCE_POOL.length) {
    randomFillSync(NONCE_POOL);
    noncePosition = 0;
  }
  NONCE_POOL.copy(out, at, noncePosition, noncePosition + NONCE_LENGTH);
  noncePosition += NONCE_LENGTH;
}

const infoCache = new Map<string, string>();

/** {@link keyspaceSubkeyInfo}, built once per keyspace. */
function subkeyInfo(keyspace: string): string {
  let info = infoCache.get(keyspace);
  if (info === undefined) {
    info = keyspaceSubkeyInfo(keyspace);
    infoCache.set(keyspace, info);
  }
  return info;
}

/** HKDF info naming the subkey that seals values of one keyspace. */
export function keyspaceSubkeyInfo(keyspace: string): string {
  return `nest-encrypted-redis/v1/aes-256-gcm/${keyspace}`;
}

/**
 * Seals `payload` under `key`'s subkey for `keyspace`, binding it to the
 * associated data `scope` (record) and `path` (field). Returns envelope bytes.
 */
export function sealPayload(
  key: DataKey,
  keyspace: string,
  scope: Buffer,
  path: Buffer,
  payload: Buffer,
  nonce?: Buffer,
): Buffer {
  const header = envelopeHeader(key.id);
  const nonceStart = header.length;
  const bodyStart = nonceStart + NONCE_LENGTH;
  const out = Buffer.allocUnsafe(bodyStart + payload.length + TAG_LENGTH);
  header.copy(out, 0);
  if (nonce === undefined) fillNonce(out, nonceStart);
  else nonce.copy(out, nonceStart, 0, NONCE_LENGTH);
  const cipher = createCipheriv(
    CIPHER,
    key.derive(subkeyInfo(keyspace)),
    out.subarray(nonceStart, bodyStart),
    { authTagLength: TAG_LENGTH },
  );
  cipher.setAAD(Buffer.concat([header, scope, path]));
  const written = cipher.update(payload).copy(out, bodyStart);
  cipher.final();
  cipher.getAuthTag().copy(out, bodyStart + written);
  key.recordUses(1);
  return out;
}

/**
 * Opens a parsed envelope. Returns the payload, or `undefined` when the tag
 * does not verify (wrong key, altered bytes, or a value moved elsewhere).
 */
export function openPayload(
  envelope: ParsedEnvelope,
  key: DataKey,
  keyspace: string,
  scope: Buffer,
  path: Buffer,
): Buffer | undefined {
  if (envelope.nonce.length !== NONCE_LENGTH || envelope.tag.length !== TAG_LENGTH) {
    return undefined;
  }
  const decipher = createDecipheriv(CIPHER, key.derive(subkeyInfo(keyspace)), envelope.nonce, {
    authTagLength: TAG_LENGTH,
  });
  decipher.setAAD(Buffer.concat([envelope.header, scope, path]));
  decipher.setAuthTag(envelope.tag);
  const payload = decipher.update(envelope.ciphertext);
  try {
    decipher.final();
  } catch {
    payload.fill(0);
    return undefined;
  }
  return payload;
}
