import { randomBytes } from 'node:crypto';
import type { LocalKeyRingOptions } from '../../lib/index.js';

/** Fresh random key material for one test. */
export function testKey(): string {
  return randomBytes(32).toString('base64');
}

/** A one-key ring configuration. */
export function singleKey(id = 'k1'): LocalKeyRingOptions {
  return { keys: { [id]: testKey() } };
}
