import 'reflect-metadata';
import { EntityDefinitionError } from '../errors/entity-definition.error.js';
import type { RedisEntityOptions } from '../interfaces/entity-options.interface.js';
import type { Class } from '../metadata/declared-type.js';
import { metadataStorage } from '../metadata/metadata-storage.js';

const ENTITY_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;

/**
 * Marks a class as an entity stored in Redis under the logical keyspace `name`.
 *
 * @example
 * ```ts
 * @RedisEntity('patients', { storage: 'hash', ttl: 3600 })
 * export class Patient {
 *   id!: string;
 *   @Encrypted() ssn!: string;
 * }
 * ```
 */
export function RedisEntity(name: string, options: RedisEntityOptions = {}): ClassDecorator {
  return (target) => {
    const where = target.name;
    if (!ENTITY_NAME.test(name) || name.startsWith('__')) {
      throw new EntityDefinitionError(
        where,
        `the entity name ${JSON.stringify(name)} must be 1 to 100 letters, digits, ".", "_" or "-", ` +
          'start with a letter, and contain no ":" or braces',
      );
    }
    if (options.storage !== undefined && options.storage !== 'hash' && options.storage !== 'json') {
      throw new EntityDefinitionError(where, "`storage` must be 'hash' or 'json'");
    }
    if (
      options.ttl !== undefined &&
      !(Number.isFinite(options.ttl) && options.ttl > 0 && options.ttl <= 2 ** 31 - 1)
    ) {
      throw new EntityDefinitionError(
        where,
        '`ttl` must be a positive number of seconds, at most 2147483647',
      );
    }
    metadataStorage.setEntity(target as unknown as Class, { name, options: { ...options } });
  };
}
