import { cachedPathScope } from '../crypto/associated-data.js';
import { resolveBlindIndex, type ResolvedBlindIndex } from '../indexes/blind-index-options.js';
import type { EncryptedOptions } from '../interfaces/entity-options.interface.js';
import { declaredTypeOf, type Class, type DeclaredType } from './declared-type.js';
import { metadataStorage } from './metadata-storage.js';

/** How one property of a class is stored. */
export interface FieldSchema {
  readonly name: string;
  /** Sealed with `@Encrypted()`. */
  readonly sealed: boolean;
  /** Padding bucket in bytes, for sealed fields that asked for it. */
  readonly padding: number | undefined;
  /** The blind index of the field, when it has one. */
  readonly index: ResolvedBlindIndex | undefined;
  readonly declared: DeclaredType;
  /** Associated-data path part for this property at the top level of a record. */
  readonly topLevelPath: Buffer;
}

/**
 * The storage view of one class: which properties are sealed and what type
 * each declares. Field schemas are built on first use and cached, so
 * properties that carry no decorator of ours are handled too.
 */
export class ClassSchema<T = unknown> {
  readonly name: string;
  readonly #encrypted: Map<string, EncryptedOptions>;
  readonly #fields = new Map<string, FieldSchema>();

  constructor(readonly cls: Class<T>) {
    this.name = cls.name;
    this.#encrypted = metadataStorage.getEncrypted(cls);
  }

  /** Names of the `@Encrypted({ index })` properties. */
  get indexedFieldNames(): string[] {
    return this.sealedFieldNames.filter((name) => this.field(name).index !== undefined);
  }

  /** Names of the `@Encrypted` properties, own and inherited. */
  get sealedFieldNames(): string[] {
    return [...this.#encrypted.keys()];
  }

  field(name: string): FieldSchema {
    let field = this.#fields.get(name);
    if (field === undefined) {
      const options = this.#encrypted.get(name);
      field = {
        name,
        sealed: options !== undefined,
        padding: options?.padding,
        index: resolveBlindIndex(options?.index),
        declared: declaredTypeOf(this.cls, name),
        topLevelPath: cachedPathScope([name]),
      };
      this.#fields.set(name, field);
    }
    return field;
  }

  /** A new instance without running the constructor, as an ORM hydrates a row. */
  instantiate(): T {
    return Object.create(this.cls.prototype as object) as T;
  }
}

const schemas = new WeakMap<Class, ClassSchema>();

/** The cached schema of a class. */
export function schemaOf<T>(cls: Class<T>): ClassSchema<T> {
  let schema = schemas.get(cls);
  if (schema === undefined) {
    schema = new ClassSchema(cls);
    schemas.set(cls, schema);
  }
  return schema as ClassSchema<T>;
}
