import { KeyConfigurationError } from '../errors/key-configuration.error.js';
import { messages } from '../errors/error-messages.js';
import { RetiredKeyError } from '../errors/retired-key.error.js';
import { UnknownKeyError } from '../errors/unknown-key.error.js';
import { assertKeyId, DataKey } from './data-key.js';
import type { IndexKeys, KeyDescription, KeyRing } from './key-ring.interface.js';

/** One configured key: its id and its 32 bytes (a Buffer, or base64 / base64url text). */
export interface LocalKeyEntry {
  readonly id: string;
  readonly key: string | Uint8Array;
}

/** Keys given in the module options or read from the environment. */
export interface LocalKeyRingOptions {
  /** The keys, as `{ id: key }` or a list of entries. Each key is exactly 32 bytes. */
  readonly keys: Readonly<Record<string, string | Uint8Array>> | readonly LocalKeyEntry[];
  /** Id of the key that seals new values. Default: the only key, when exactly one is given. */
  readonly primary?: string;
  /** Ids refused for decryption. Their key bytes are not needed. Default: none. */
  readonly retired?: readonly string[];
}

const BASE64_PATTERN = /^[A-Za-z0-9+/_-]+={0,2}$/;

function decodeKey(id: string, key: string | Uint8Array): Uint8Array {
  if (typeof key !== 'string') return key;
  const text = key.trim();
  if (!BASE64_PATTERN.test(text)) {
    throw new KeyConfigurationError(id, 'is not base64 text; give the 32 key bytes in base64');
  }
  return Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
}

function entriesOf(options: LocalKeyRingOptions): LocalKeyEntry[] {
  return Array.isArray(options.keys)
    ? [...(options.keys as readonly LocalKeyEntry[])]
    : Object.entries(options.keys as Readonly<Record<string, string | Uint8Array>>).map(
        ([id, key]): LocalKeyEntry => ({ id, key }),
      );
}

/**
 * Key ring holding 32-byte keys in process memory: one primary for new
 * writes, others decrypt-only, retired ids refused. Keys can be added,
 * promoted and retired at run time without touching stored data.
 */
export class LocalKeyRing implements KeyRing {
  readonly #keys = new Map<string, DataKey>();
  readonly #retired = new Set<string>();
  #primary!: DataKey;

  constructor(options: LocalKeyRingOptions) {
    const retired = options.retired ?? [];
    for (const id of retired) {
      assertKeyId(id);
      this.#retired.add(id);
    }
    for (const { id, key } of entriesOf(options)) {
      assertKeyId(id);
      if (this.#keys.has(id)) {
        throw new KeyConfigurationError(id, 'is configured twice; give each key a distinct id');
      }
      const dataKey = new DataKey(id, decodeKey(id, key));
      for (const other of this.#keys.values()) {
        if (other.sameMaterialAs(dataKey)) {
          throw new KeyConfigurationError(id, `has the same bytes as key "${other.id}"`);
        }
      }
      if (this.#retired.has(id)) dataKey.destroy();
      else this.#keys.set(id, dataKey);
    }
    if (this.#keys.size === 0) throw new KeyConfigurationError(undefined, messages.noKeys());
    this.promote(options.primary ?? this.#onlyKeyId());
  }

  encryptionKey(): DataKey {
    return this.#primary;
  }

  decryptionKey(keyId: string): DataKey {
    const key = this.#keys.get(keyId);
    if (key !== undefined) return key;
    if (this.#retired.has(keyId)) throw new RetiredKeyError(keyId);
    throw new UnknownKeyError(keyId);
  }

  /** The id of the key that seals new values. */
  get primaryKeyId(): string {
    return this.#primary.id;
  }

  /** Index tokens are written under the primary key and looked up under every held key. */
  indexKeys(): IndexKeys {
    return { current: this.#primary, lookup: [...this.#keys.values()] };
  }

  describe(): KeyDescription[] {
    const described: KeyDescription[] = [...this.#keys.keys()].map((id) => ({
      id,
      state: id === this.#primary.id ? 'primary' : 'decrypt-only',
    }));
    for (const id of this.#retired) described.push({ id, state: 'retired' });
    return described;
  }

  /** Adds a decrypt-only key. Promote it once every instance holds it. */
  addKey(id: string, key: string | Uint8Array): void {
    assertKeyId(id);
    if (this.#keys.has(id) || this.#retired.has(id)) {
      throw new KeyConfigurationError(id, 'already exists in the key ring; choose a new id');
    }
    const dataKey = new DataKey(id, decodeKey(id, key));
    for (const other of this.#keys.values()) {
      if (other.sameMaterialAs(dataKey)) {
        dataKey.destroy();
        throw new KeyConfigurationError(id, `has the same bytes as key "${other.id}"`);
      }
    }
    this.#keys.set(id, dataKey);
  }

  /** Makes a held key the one that seals new values; the previous primary stays decrypt-only. */
  promote(id: string): void {
    const key = this.#keys.get(id);
    if (key === undefined) {
      const problem = this.#retired.has(id)
        ? 'is retired and cannot be primary'
        : 'is named as primary but is not among the configured keys';
      throw new KeyConfigurationError(id, problem);
    }
    this.#primary = key;
  }

  /** Refuses a key for decryption from now on and zeroes its bytes. The primary cannot be retired. */
  retire(id: string): void {
    if (id === this.#primary.id) {
      throw new KeyConfigurationError(id, 'is the primary key; promote another key first');
    }
    assertKeyId(id);
    this.#keys.get(id)?.destroy();
    this.#keys.delete(id);
    this.#retired.add(id);
  }

  close(): void {
    for (const key of this.#keys.values()) key.destroy();
    this.#keys.clear();
  }

  #onlyKeyId(): string {
    if (this.#keys.size > 1) {
      throw new KeyConfigurationError(
        undefined,
        `no primary key is named among ${this.#keys.size} keys; set \`primary\` (or ENCRYPTED_REDIS_PRIMARY_KEY)`,
      );
    }
    return [...this.#keys.keys()][0]!;
  }
}
