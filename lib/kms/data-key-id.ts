import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Largest multiple of 62 below 256: bytes at or above it are skipped, so every letter is equally likely. */
const UNBIASED_LIMIT = 248;

/** Length of data key ids: every value stores its id, so it is kept short. */
export const DATA_KEY_ID_LENGTH = 8;

/**
 * A random data key id: 8 letters and digits (about 47.6 bits), unique among
 * the registry's ids, which registration checks.
 */
export function newDataKeyId(): string {
  let id = '';
  while (id.length < DATA_KEY_ID_LENGTH) {
    for (const byte of randomBytes(DATA_KEY_ID_LENGTH * 2)) {
      if (byte < UNBIASED_LIMIT && id.length < DATA_KEY_ID_LENGTH) id += ALPHABET[byte % 62];
    }
  }
  return id;
}
