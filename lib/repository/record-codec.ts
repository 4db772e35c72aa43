import { formatPath, pathScope, type PathSegment } from '../crypto/associated-data.js';
import { openPayload, sealPayload } from '../crypto/envelope-cipher.js';
import { isEnvelopeProblem, parseEnvelope } from '../crypto/envelope-format.js';
import {
  buildPayload,
  decodeTagged,
  encodeScalar,
  PayloadError,
  splitPayload,
  ValueTag,
} from '../crypto/value-codec.js';
import { IntegrityError } from '../errors/integrity.error.js';
import { InvalidStoredValueError } from '../errors/invalid-stored-value.error.js';
import { NotEncryptedError } from '../errors/not-encrypted.error.js';
import { UnsupportedEnvelopeError } from '../errors/unsupported-envelope.error.js';
import { UnsupportedValueError } from '../errors/unsupported-value.error.js';
import type { ValueLocation } from '../errors/value-location.js';
import type { DataKey } from '../keys/data-key.js';
import { schemaOf, type ClassSchema, type FieldSchema } from '../metadata/class-schema.js';
import { describeDeclaredType, type DeclaredType } from '../metadata/declared-type.js';
import {
  describeValue,
  findJsonProblem,
  fromHashText,
  isObject,
  setOwn,
  toHashText,
  type JsonValue,
} from './json-values.js';
import type { OperationKeys } from './operation-keys.js';

/** The record a value belongs to: what its associated data binds it to. */
export interface RecordScope {
  /** Entity class name, for messages. */
  readonly entity: string;
  readonly keyspace: string;
  readonly id: string;
  /** `recordScope(keyspace, id)`, computed once per record. */
  readonly scope: Buffer;
}

type JsonObject = { [key: string]: JsonValue };

function pathBytes(field: FieldSchema, path: readonly PathSegment[]): Buffer {
  return path.length === 1 ? field.topLevelPath : pathScope(path);
}

/** True when values of this declared type are encoded by their declaration, not their runtime type. */
function isShapeDeclared(type: DeclaredType): boolean {
  return type.kind === 'class' || (type.kind === 'array' && type.element !== undefined);
}

/** Whether a value fits a declared scalar type; other declarations accept any value. */
function matchesDeclaredScalar(declared: DeclaredType, value: unknown): boolean {
  switch (declared.kind) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return typeof value === declared.kind;
    case 'date':
      return value instanceof Date;
    case 'bytes':
      return value instanceof Uint8Array;
    default:
      return true;
  }
}

/**
 * Turns entities into what Redis stores, sealing every `@Encrypted` field at
 * every depth. One encoder serves one record.
 */
export class RecordEncoder {
  constructor(
    private readonly record: RecordScope,
    private readonly key: DataKey,
  ) {}

  /** The JSON form of an object: sealed fields become envelope text. */
  document(schema: ClassSchema, value: object, path: PathSegment[]): JsonObject {
    const out: JsonObject = {};
    for (const name of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[name];
      if (item === undefined) continue;
      const field = schema.field(name);
      const fieldPath = [...path, name];
      out[name] = field.sealed
        ? this.seal(field, item, fieldPath)
        : this.clear(field.declared, item, fieldPath);
    }
    return out;
  }

  /** The hash fields of a top-level record: `[field, text, field, text, ...]`. */
  hashFields(schema: ClassSchema, value: object): string[] {
    const out: string[] = [];
    for (const name of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[name];
      if (item === undefined) continue;
      out.push(name, this.hashText(schema.field(name), item));
    }
    return out;
  }

  /** The text of one top-level hash field. */
  hashText(field: FieldSchema, value: unknown): string {
    return field.sealed
      ? this.seal(field, value, [field.name])
      : toHashText(this.clear(field.declared, value, [field.name]));
  }

  seal(field: FieldSchema, value: unknown, path: PathSegment[]): string {
    let tag: ValueTag;
    let body: Uint8Array | undefined;
    if (value !== null && isShapeDeclared(field.declared)) {
      tag = ValueTag.Declared;
      body = Buffer.from(JSON.stringify(this.clear(field.declared, value, path)), 'utf8');
    } else {
      if (value !== null && !matchesDeclaredScalar(field.declared, value)) {
        this.mismatch(field.declared, value, path);
      }
      const scalar = encodeScalar(value instanceof Date ? this.validDate(value, path) : value);
      if (scalar !== undefined) {
        [tag, body] = scalar;
      } else {
        this.assertJson(value, path);
        tag = ValueTag.Json;
        body = Buffer.from(JSON.stringify(value), 'utf8');
      }
    }
    const payload = buildPayload(tag, body, field.padding);
    const sealed = sealPayload(
      this.key,
      this.record.keyspace,
      this.record.scope,
      pathBytes(field, path),
      payload,
    );
    payload.fill(0);
    return sealed.toString('base64url');
  }

  clear(declared: DeclaredType, value: unknown, path: PathSegment[]): JsonValue {
    if (value === null) return null;
    if (!matchesDeclaredScalar(declared, value)) this.mismatch(declared, value, path);
    switch (declared.kind) {
      case 'string':
      case 'boolean':
        return value as JsonValue;
      case 'number': {
        const number = value as number;
        if (!Number.isFinite(number)) {
          this.refuse(
            path,
            `${number} has no JSON form; seal the field (sealed numbers keep it) or use null`,
          );
        }
        return number;
      }
      case 'date':
        return this.validDate(value as Date, path).toISOString();
      case 'bytes': {
        const bytes = value as Uint8Array;
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
      }
      case 'bigint':
        return (value as bigint).toString();
      case 'class':
        if (!isObject(value)) this.mismatch(declared, value, path);
        return this.document(schemaOf(declared.cls), value, path);
      case 'array':
        if (!Array.isArray(value)) this.mismatch(declared, value, path);
        if (declared.element === undefined) return this.assertJson(value, path);
        return value.map((item: unknown, index) => {
          if (item === undefined) this.refuse([...path, index], 'arrays cannot hold undefined');
          return this.clear(declared.element!, item, [...path, index]);
        });
      case 'unsupported':
        return this.refuse(path, `values of type ${declared.typeName} cannot be stored`);
      default:
        return this.assertJson(value, path);
    }
  }

  private validDate(value: Date, path: PathSegment[]): Date {
    if (Number.isNaN(value.getTime())) this.refuse(path, 'it is an invalid Date');
    return value;
  }

  private assertJson(value: unknown, path: PathSegment[]): JsonValue {
    const found = findJsonProblem(value, path);
    if (found) this.refuse(found.path, found.problem);
    return value as JsonValue;
  }

  private mismatch(declared: DeclaredType, value: unknown, path: PathSegment[]): never {
    return this.refuse(
      path,
      `it holds ${describeValue(value)} but is declared as ${describeDeclaredType(declared)}`,
    );
  }

  private refuse(path: readonly PathSegment[], problem: string): never {
    throw new UnsupportedValueError(`${this.record.entity}.${formatPath(path)}`, problem);
  }
}

/** What to do with a clear value found where a sealed value belongs. */
export type LegacyPlaintextPolicy = 'reject' | 'read';

/**
 * Turns what Redis stores back into entities, opening every sealed field.
 * Fails closed: a value that does not open raises a typed error naming the
 * entity, id and field, and is never returned.
 */
export class RecordDecoder {
  constructor(
    private readonly record: RecordScope,
    private readonly keys: OperationKeys,
    private readonly legacyPlaintext: LegacyPlaintextPolicy,
  ) {}

  document<T>(schema: ClassSchema<T>, doc: unknown, path: PathSegment[]): T {
    if (!isObject(doc)) this.invalid(path, 'a JSON object');
    const out = schema.instantiate();
    for (const name of Object.keys(doc)) {
      const field = schema.field(name);
      const fieldPath = [...path, name];
      const stored = doc[name];
      setOwn(
        out as object,
        name,
        field.sealed
          ? this.open(field, stored, fieldPath, false)
          : this.clear(field.declared, stored, fieldPath),
      );
    }
    return out;
  }

  /** Rebuilds an entity from the fields of a hash. */
  hash<T>(schema: ClassSchema<T>, fields: Record<string, string>): T {
    const out = schema.instantiate();
    for (const name of Object.keys(fields)) {
      setOwn(out as object, name, this.hashValue(schema.field(name), fields[name]!));
    }
    return out;
  }

  hashValue(field: FieldSchema, text: string): unknown {
    if (field.sealed) return this.open(field, text, [field.name], true);
    const value = fromHashText(text);
    // A clear string field read back as a number or boolean was stored raw by another writer.
    const raw = field.declared.kind === 'string' && typeof value !== 'string' && value !== null;
    return this.clear(field.declared, raw ? text : value, [field.name]);
  }

  open(field: FieldSchema, stored: unknown, path: PathSegment[], fromHash: boolean): unknown {
    const at = this.location(path);
    const parsed =
      typeof stored === 'string' ? parseEnvelope(stored) : ({ kind: 'not-sealed' } as const);
    if (isEnvelopeProblem(parsed)) {
      switch (parsed.kind) {
        case 'not-sealed':
          if (this.legacyPlaintext !== 'read') throw new NotEncryptedError(at);
          return this.clear(
            field.declared,
            fromHash ? fromHashText(stored as string) : stored,
            path,
          );
        case 'malformed':
          throw new IntegrityError(at, parsed.reason);
        case 'unsupported':
          throw new UnsupportedEnvelopeError(at, parsed.detail);
      }
    }
    const key = this.keys.get(parsed.keyId, at);
    const payload = openPayload(
      parsed,
      key,
      this.record.keyspace,
      this.record.scope,
      pathBytes(field, path),
    );
    if (payload === undefined) throw new IntegrityError(at, 'authentication failed');
    try {
      const { tag, body } = splitPayload(payload);
      const value = decodeTagged(tag, body);
      return tag === ValueTag.Declared ? this.clear(field.declared, value, path) : value;
    } catch (error) {
      if (!(error instanceof PayloadError)) throw error;
      if (error.kind === 'unsupported') throw new UnsupportedEnvelopeError(at, error.message);
      throw new IntegrityError(at, error.message);
    } finally {
      payload.fill(0);
    }
  }

  clear(declared: DeclaredType, value: unknown, path: PathSegment[]): unknown {
    if (value === null || value === undefined) return value;
    switch (declared.kind) {
      case 'date': {
        const date =
          typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined;
        if (date === undefined || Number.isNaN(date.getTime())) this.invalid(path, 'a date');
        return date;
      }
      case 'bytes':
        if (typeof value !== 'string') this.invalid(path, 'base64 text');
        return Buffer.from(value, 'base64');
      case 'bigint':
        try {
          return BigInt(value as string);
        } catch {
          return this.invalid(path, 'an integer');
        }
      case 'class':
        return this.document(schemaOf(declared.cls), value, path);
      case 'array':
        if (!Array.isArray(value)) this.invalid(path, 'a JSON array');
        return declared.element === undefined
          ? value
          : value.map((item: unknown, index) =>
              this.clear(declared.element!, item, [...path, index]),
            );
      default:
        return value;
    }
  }

  private location(path: readonly PathSegment[]): ValueLocation {
    return { entity: this.record.entity, id: this.record.id, field: formatPath(path) };
  }

  private invalid(path: readonly PathSegment[], expected: string): never {
    throw new InvalidStoredValueError(this.location(path), expected);
  }
}
