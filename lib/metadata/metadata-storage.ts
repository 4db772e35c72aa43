import type {
  EncryptedOptions,
  RedisEntityOptions,
} from '../interfaces/entity-options.interface.js';

type Class = abstract new (...args: never[]) => unknown;

/** What `@RedisEntity` recorded on one class. */
export interface EntityMetadata {
  readonly name: string;
  readonly options: RedisEntityOptions;
}

/**
 * Holds what the decorators record. Fields are kept per declaring class and
 * resolved by walking the prototype chain, so subclasses see their parents'
 * fields and siblings never see each other's.
 */
export class MetadataStorage {
  readonly #entities = new Map<Class, EntityMetadata>();
  readonly #encrypted = new Map<Class, Map<string, EncryptedOptions>>();

  setEntity(target: Class, metadata: EntityMetadata): void {
    this.#entities.set(target, metadata);
  }

  /** The `@RedisEntity` declared on this very class, not inherited. */
  getOwnEntity(target: Class): EntityMetadata | undefined {
    return this.#entities.get(target);
  }

  /** The nearest ancestor (or the class itself) declaring `@RedisEntity`. */
  findInheritedEntity(target: Class): { declaredOn: Class; metadata: EntityMetadata } | undefined {
    for (const cls of this.lineage(target)) {
      const metadata = this.#entities.get(cls);
      if (metadata) return { declaredOn: cls, metadata };
    }
    return undefined;
  }

  addEncrypted(target: Class, property: string, options: EncryptedOptions): void {
    let fields = this.#encrypted.get(target);
    if (fields === undefined) {
      fields = new Map();
      this.#encrypted.set(target, fields);
    }
    fields.set(property, { ...fields.get(property), ...options });
  }

  /** Every `@Encrypted` property of the class and its ancestors; the nearest declaration wins. */
  getEncrypted(target: Class): Map<string, EncryptedOptions> {
    const result = new Map<string, EncryptedOptions>();
    for (const cls of this.lineage(target).reverse()) {
      for (const [property, options] of this.#encrypted.get(cls) ?? []) {
        result.set(property, options);
      }
    }
    return result;
  }

  /** The class followed by its ancestors, nearest first, up to (not including) Object. */
  lineage(target: Class): Class[] {
    const chain: Class[] = [];
    for (
      let cls: unknown = target;
      typeof cls === 'function' && cls !== Function.prototype && cls !== Object;
      cls = Object.getPrototypeOf(cls)
    ) {
      chain.push(cls as Class);
    }
    return chain;
  }
}

const GLOBAL_KEY = Symbol.for('nest-encrypted-redis.metadata-storage');

/** One storage per process, even when two copies of the package are loaded. */
export const metadataStorage: MetadataStorage = ((globalThis as Record<symbol, unknown>)[
  GLOBAL_KEY
] ??= new MetadataStorage()) as MetadataStorage;
