import 'reflect-metadata';
import { EntityDefinitionError } from '../errors/entity-definition.error.js';
import { blindIndexProblem } from '../indexes/blind-index-options.js';
import type { EncryptedOptions } from '../interfaces/entity-options.interface.js';
import type { Class } from '../metadata/declared-type.js';
import { metadataStorage } from '../metadata/metadata-storage.js';

const MAX_PADDING = 65536;

/**
 * Seals the property before it reaches Redis: AES-256-GCM, bound to the
 * entity's keyspace, id and this field's path. Works in entities and in nested
 * classes (declare those with class-transformer's `@Type(() => Inner)`).
 *
 * @example
 * ```ts
 * @Encrypted() ssn!: string;
 * @Encrypted({ padding: 32 }) diagnosis!: string;
 * @Encrypted({ index: { normalize: ['trim', 'lowercase'] } }) email!: string;
 * ```
 */
export function Encrypted(options: EncryptedOptions = {}): PropertyDecorator {
  return (target, propertyKey) => {
    const owner = typeof target === 'function' ? target : target.constructor;
    const where = `${owner.name}.${String(propertyKey)}`;
    if (typeof target === 'function') {
      throw new EntityDefinitionError(where, '@Encrypted() cannot decorate a static property');
    }
    if (typeof propertyKey === 'symbol') {
      throw new EntityDefinitionError(where, '@Encrypted() needs a string property name');
    }
    const { padding } = options;
    if (
      padding !== undefined &&
      !(Number.isInteger(padding) && padding >= 2 && padding <= MAX_PADDING)
    ) {
      throw new EntityDefinitionError(
        where,
        `\`padding\` must be an integer from 2 to ${MAX_PADDING} bytes`,
      );
    }
    const indexProblem = blindIndexProblem(options.index);
    if (indexProblem !== undefined) throw new EntityDefinitionError(where, indexProblem);
    metadataStorage.addEncrypted(owner as Class, propertyKey, { ...options });
  };
}
