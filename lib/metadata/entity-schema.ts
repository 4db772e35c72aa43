import { EntityDefinitionError } from '../errors/entity-definition.error.js';
import type { StorageKind } from '../interfaces/entity-options.interface.js';
import { ClassSchema, schemaOf } from './class-schema.js';
import { ownTransformerTypeProperties } from './class-transformer-types.js';
import { describeDeclaredType, type Class, type DeclaredType } from './declared-type.js';
import { metadataStorage } from './metadata-storage.js';

/** A registered entity: its class schema plus where and how it is stored. */
export interface EntitySchema<T = unknown> {
  readonly schema: ClassSchema<T>;
  readonly keyspace: string;
  readonly storage: StorageKind;
  /** Default time to live in milliseconds, if the entity declares one. */
  readonly ttlMs: number | undefined;
  readonly idProperty: string;
}

function sealedFieldProblem(type: DeclaredType): string | undefined {
  switch (type.kind) {
    case 'undeclared':
      return (
        'the type of this field cannot be known: no design:type metadata was emitted. ' +
        'Enable emitDecoratorMetadata (and decorator metadata in swc or your bundler), ' +
        'or declare the type with @Type(() => X) from class-transformer'
      );
    case 'array':
      return type.element === undefined
        ? 'the element type of this array cannot be known; declare it with @Type(() => Element) ' +
            'from class-transformer (for example @Type(() => String) for string[])'
        : sealedFieldProblem(type.element);
    case 'unsupported':
      return `values of type ${type.typeName} cannot be stored; use an array, a plain object or a class`;
    default:
      return undefined;
  }
}

function nestedClassOf(type: DeclaredType): Class | undefined {
  if (type.kind === 'class') return type.cls;
  if (type.kind === 'array' && type.element !== undefined) return nestedClassOf(type.element);
  return undefined;
}

const INDEXABLE = new Set([
  'string',
  'number',
  'boolean',
  'date',
  'bytes',
  'bigint',
  'any',
  'undeclared',
]);

/** Checks a class and every class nested in it, naming `Class.property` on failure. */
function checkClass(cls: Class, visited: Set<Class>, topLevel: boolean): void {
  if (visited.has(cls)) return;
  visited.add(cls);
  const schema = schemaOf(cls);
  for (const name of schema.sealedFieldNames) {
    const field = schema.field(name);
    const problem = sealedFieldProblem(field.declared);
    if (problem !== undefined) throw new EntityDefinitionError(`${cls.name}.${name}`, problem);
    if (field.index !== undefined && !topLevel) {
      throw new EntityDefinitionError(
        `${cls.name}.${name}`,
        'blind indexes are kept for top-level fields of an entity only; index a field of the entity itself',
      );
    }
    if (field.index !== undefined && !INDEXABLE.has(field.declared.kind)) {
      throw new EntityDefinitionError(
        `${cls.name}.${name}`,
        `a blind index needs a single value (string, number, boolean, Date, Buffer or bigint), not ${describeDeclaredType(field.declared)}`,
      );
    }
  }
  const typed = metadataStorage.lineage(cls).flatMap((c) => ownTransformerTypeProperties(c));
  for (const name of new Set([...schema.sealedFieldNames, ...typed])) {
    const declared = schema.field(name).declared;
    if (declared.kind === 'unsupported') {
      throw new EntityDefinitionError(
        `${cls.name}.${name}`,
        `values of type ${describeDeclaredType(declared)} cannot be stored`,
      );
    }
    const nested = nestedClassOf(declared);
    if (nested !== undefined) checkClass(nested, visited, false);
  }
}

/** Whether the class visibly declares `property` (a decorator, an accessor or a class field). */
function declaresProperty(cls: Class, property: string): boolean {
  if (schemaOf(cls).field(property).declared.kind !== 'undeclared') return true;
  for (let proto: unknown = cls.prototype; proto; proto = Object.getPrototypeOf(proto)) {
    if (Object.prototype.hasOwnProperty.call(proto, property)) return true;
  }
  try {
    const probe = new (cls as unknown as new () => object)();
    return Object.prototype.hasOwnProperty.call(probe, property);
  } catch {
    return false;
  }
}

const schemas = new WeakMap<Class, EntitySchema>();

/**
 * Validates an entity class and returns its schema. Throws
 * `EntityDefinitionError` naming `Class` or `Class.property` when it cannot be
 * stored as declared.
 */
export function entitySchemaOf<T>(cls: Class<T>): EntitySchema<T> {
  const cached = schemas.get(cls);
  if (cached !== undefined) return cached as EntitySchema<T>;
  if (typeof cls !== 'function') {
    throw new EntityDefinitionError(String(cls), 'an entity must be a class');
  }
  const metadata = metadataStorage.getOwnEntity(cls);
  if (metadata === undefined) {
    const inherited = metadataStorage.findInheritedEntity(cls);
    throw new EntityDefinitionError(
      cls.name,
      inherited
        ? `only its parent ${inherited.declaredOn.name} is decorated with @RedisEntity; give ` +
            `${cls.name} its own @RedisEntity(name) so that it has its own keyspace`
        : 'the class is not decorated with @RedisEntity(name)',
    );
  }
  const idProperty = metadata.options.id ?? 'id';
  const schema = schemaOf(cls);
  if (schema.field(idProperty).sealed) {
    throw new EntityDefinitionError(
      `${cls.name}.${idProperty}`,
      'the id is part of the Redis key and cannot be @Encrypted(); keep it clear, or use a ' +
        'surrogate id and seal the sensitive value in another field',
    );
  }
  if (!declaresProperty(cls, idProperty)) {
    throw new EntityDefinitionError(
      `${cls.name}.${idProperty}`,
      `the entity has no "${idProperty}" property. Declare it (as a class field, or with any ` +
        `decorator such as @IsString()), or name the id property with ` +
        `@RedisEntity('${metadata.name}', { id: 'property' })`,
    );
  }
  checkClass(cls, new Set(), true);
  const entity: EntitySchema<T> = {
    schema,
    keyspace: metadata.name,
    storage: metadata.options.storage ?? 'hash',
    ttlMs: metadata.options.ttl === undefined ? undefined : Math.round(metadata.options.ttl * 1000),
    idProperty,
  };
  schemas.set(cls, entity);
  return entity;
}
