import { hkdfSync, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';
import { KeyConfigurationError } from '../errors/key-configuration.error.js';
import { messages } from '../errors/error-messages.js';

/** Length of every key the library uses, in bytes (AES-256). */
export const KEY_LENGTH = 32;

const KEY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const HKDF_SALT = Buffer.from('nest-encrypted-redis', 'utf8');

/**
 * Throws unless `id` can name a key: 1 to 64 characters of `A-Z a-z 0-9 . _ -`,
 * starting with a letter or digit.
 */
export function assertKeyId(id: string): void {
  if (!KEY_ID_PATTERN.test(id)) {
    throw new KeyConfigurationError(
      undefined,
      `a key id must be 1 to 64 characters of letters, digits, ".", "_" or "-" (got ${JSON.stringify(id.slice(0, 70))})`,
    );
  }
}

/**
 * A 32-byte key and the subkeys derived from it. The bytes are copied in,
 * never leave through `toString`, JSON or `util.inspect`, and are zeroed by
 * `destroy()`.
 */
export class DataKey {
  readonly #material: Buffer;
  readonly #derived = new Map<string, Buffer>();
  #uses = 0;
  #destroyed = false;

  constructor(
    readonly id: string,
    material: Uint8Array,
  ) {
    assertKeyId(id);
    if (material.byteLength !== KEY_LENGTH) {
      throw new KeyConfigurationError(id, messages.keyLength(material.byteLength));
    }
    // Copy exactly the view's bytes: the caller's buffer may be a slice of a larger pool.
    this.#material = Buffer.alloc(KEY_LENGTH);
    this.#material.set(new Uint8Array(material.buffer, material.byteOffset, material.byteLength));
  }

  /** How many values have been sealed with this key since it was loaded. */
  get uses(): number {
    return this.#uses;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** Counts values sealed with this key; key rings use it to bound nonce reuse risk. */
  recordUses(count: number): void {
    this.#uses += count;
  }

  /** HKDF-SHA256 subkey for `info`, cached for the life of this key. */
  derive(info: string): Buffer {
    let subkey = this.#derived.get(info);
    if (subkey === undefined) {
      if (this.#destroyed) {
        throw new KeyConfigurationError(this.id, 'was destroyed and can no longer be used');
      }
      subkey = Buffer.from(hkdfSync('sha256', this.#material, HKDF_SALT, info, KEY_LENGTH));
      this.#derived.set(info, subkey);
    }
    return subkey;
  }

  /** Constant-time comparison of key material, for detecting the same key under two ids. */
  sameMaterialAs(other: DataKey): boolean {
    return timingSafeEqual(other.#material, this.#material);
  }

  /** Zeroes the key and every subkey derived from it. */
  destroy(): void {
    this.#material.fill(0);
    for (const subkey of this.#derived.values()) subkey.fill(0);
    this.#derived.clear();
    this.#destroyed = true;
  }

  toString(): string {
    return `DataKey(${this.id})`;
  }

  toJSON(): { id: string } {
    return { id: this.id };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
