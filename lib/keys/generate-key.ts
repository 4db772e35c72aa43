import { randomBytes } from 'node:crypto';
import { assertKeyId, KEY_LENGTH } from './data-key.js';

/** A freshly generated key, ready for `ENCRYPTED_REDIS_KEYS` or the module options. */
export interface GeneratedKey {
  readonly id: string;
  /** 32 random bytes, base64. */
  readonly key: string;
}

/** Generates a key from the system CSPRNG. The default id is short to keep envelopes small. */
export function generateKey(id = `k${randomBytes(2).toString('hex')}`): GeneratedKey {
  assertKeyId(id);
  return { id, key: randomBytes(KEY_LENGTH).toString('base64') };
}
