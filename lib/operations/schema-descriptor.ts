import { formatPath } from '../crypto/associated-data.js';
import { blindIndexProblem } from '../indexes/blind-index-options.js';
import type {
  BlindIndexNormalization,
  StorageKind,
} from '../interfaces/entity-options.interface.js';
import { schemaOf } from '../metadata/class-schema.js';
import { ownTransformerTypeProperties } from '../metadata/class-transformer-types.js';
import type { Class, DeclaredType } from '../metadata/declared-type.js';
import { entitySchemaOf } from '../metadata/entity-schema.js';
import { metadataStorage } from '../metadata/metadata-storage.js';

/** Version of the descriptor layout; readers skip descriptors of another version. */
export const DESCRIPTOR_FORMAT = 1;

/**
 * How a clear value found in a sealed field is turned into a sealed one:
 * the value type its declaration gives (`declared` is a nested class or typed array).
 */
export type SealedValueType =
  'string' | 'number' | 'boolean' | 'date' | 'bytes' | 'bigint' | 'json' | 'declared';

/** One place in an entity that holds sealed values. */
export interface SealedPathDescriptor {
  /** Human form, for example `previous[*].zip`. */
  readonly path: string;
  /** Property names; `null` stands for every element of an array. */
  readonly segments: readonly (string | null)[];
  /**
   * `sealed`: the value here is sealed. `recursive`: a class nests itself here,
   * so every value below that has the envelope format is treated as sealed.
   */
  readonly kind: 'sealed' | 'recursive';
  readonly type?: SealedValueType;
  /** Padding bucket in bytes, when the field pads. */
  readonly padding?: number;
}

/**
 * What the re-encryption job and `status` need to know about an entity
 * without its class: published to Redis by the module (see schema-registry.ts).
 */
export interface EntityDescriptor {
  readonly format: typeof DESCRIPTOR_FORMAT;
  readonly keyspace: string;
  /** Entity class name, for reports. */
  readonly entity: string;
  readonly storage: StorageKind;
  readonly idProperty: string;
  readonly sealed: readonly SealedPathDescriptor[];
  /** Blind-indexed top-level fields and how each is indexed. */
  readonly indexes?: readonly IndexDescriptor[];
}

/** A blind-indexed field, as the re-encryption job needs it to rebuild tokens. */
export interface IndexDescriptor {
  readonly field: string;
  readonly bytes: number;
  readonly normalize: readonly BlindIndexNormalization[];
}

function valueType(type: DeclaredType): SealedValueType {
  switch (type.kind) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'date':
    case 'bytes':
    case 'bigint':
      return type.kind;
    case 'class':
      return 'declared';
    case 'array':
      return type.element === undefined ? 'json' : 'declared';
    default:
      return 'json';
  }
}

/** The class inside a declared type and how many array levels wrap it. */
function nestedClass(type: DeclaredType, depth = 0): { cls: Class; depth: number } | undefined {
  if (type.kind === 'class') return { cls: type.cls, depth };
  if (type.kind === 'array' && type.element !== undefined) {
    return nestedClass(type.element, depth + 1);
  }
  return undefined;
}

function render(segments: readonly (string | null)[]): string {
  return formatPath(segments.map((segment) => segment ?? -1)).replace(/\[-1\]/g, '[*]');
}

function collect(
  cls: Class,
  prefix: (string | null)[],
  stack: Class[],
  out: SealedPathDescriptor[],
): void {
  const schema = schemaOf(cls);
  const typed = metadataStorage.lineage(cls).flatMap((c) => ownTransformerTypeProperties(c));
  for (const name of new Set([...schema.sealedFieldNames, ...typed])) {
    const field = schema.field(name);
    const segments = [...prefix, name];
    if (field.sealed) {
      out.push({
        path: render(segments),
        segments,
        kind: 'sealed',
        type: valueType(field.declared),
        ...(field.padding === undefined ? {} : { padding: field.padding }),
      });
    }
    const nested = nestedClass(field.declared);
    if (nested === undefined) continue;
    const inner = [...segments, ...Array<null>(nested.depth).fill(null)];
    if (stack.includes(nested.cls)) {
      out.push({ path: render(inner), segments: inner, kind: 'recursive' });
      continue;
    }
    collect(nested.cls, inner, [...stack, nested.cls], out);
  }
}

/**
 * Describes a registered entity class: its keyspace, storage and every path
 * that holds sealed values, including paths inside nested classes
 * (`home.zip`, `previous[*].zip`) and inside sealed nested classes.
 */
export function describeEntity(target: Class): EntityDescriptor {
  const entity = entitySchemaOf(target);
  const sealed: SealedPathDescriptor[] = [];
  collect(target, [], [target], sealed);
  return {
    format: DESCRIPTOR_FORMAT,
    keyspace: entity.keyspace,
    entity: entity.schema.name,
    storage: entity.storage,
    idProperty: entity.idProperty,
    sealed,
    indexes: entity.schema.indexedFieldNames.map((field) => {
      const { bytes, normalize } = entity.schema.field(field).index!;
      return { field, bytes, normalize };
    }),
  };
}

function isSegmentList(value: unknown): value is (string | null)[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((segment) => segment === null || typeof segment === 'string')
  );
}

/** Reads a published descriptor; `undefined` when it is not one this release understands. */
export function parseDescriptor(text: string): EntityDescriptor | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const doc = value as Partial<Record<keyof EntityDescriptor, unknown>> | null;
  if (
    typeof doc !== 'object' ||
    doc === null ||
    doc.format !== DESCRIPTOR_FORMAT ||
    typeof doc.keyspace !== 'string' ||
    (doc.storage !== 'hash' && doc.storage !== 'json') ||
    !Array.isArray(doc.sealed)
  ) {
    return undefined;
  }
  const sealed = (doc.sealed as Partial<SealedPathDescriptor>[]).filter(
    (entry) =>
      typeof entry === 'object' &&
      entry !== null &&
      isSegmentList(entry.segments) &&
      (entry.kind === 'sealed' || entry.kind === 'recursive'),
  ) as SealedPathDescriptor[];
  return {
    format: DESCRIPTOR_FORMAT,
    keyspace: doc.keyspace,
    entity: typeof doc.entity === 'string' ? doc.entity : doc.keyspace,
    storage: doc.storage,
    idProperty: typeof doc.idProperty === 'string' ? doc.idProperty : 'id',
    sealed,
    indexes: parseIndexes(doc.indexes),
  };
}

function parseIndexes(value: unknown): IndexDescriptor[] {
  if (!Array.isArray(value)) return [];
  return (value as Partial<IndexDescriptor>[]).filter(
    (entry): entry is IndexDescriptor =>
      typeof entry === 'object' &&
      entry !== null &&
      typeof entry.field === 'string' &&
      Array.isArray(entry.normalize) &&
      blindIndexProblem({ bytes: entry.bytes, normalize: entry.normalize }) === undefined &&
      typeof entry.bytes === 'number',
  );
}
