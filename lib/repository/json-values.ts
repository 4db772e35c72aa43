import type { PathSegment } from '../crypto/associated-data.js';

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Why a value cannot be written as JSON without changing, and where inside it. */
export interface JsonProblem {
  readonly path: readonly PathSegment[];
  readonly problem: string;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a Date';
  if (value instanceof Uint8Array) return 'a Buffer';
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    const ctor = (proto as { constructor?: { name?: string } } | null)?.constructor?.name;
    return proto === null || proto === Object.prototype
      ? 'a plain object'
      : `an instance of ${ctor ?? 'a class'}`;
  }
  return `a ${typeof value}`;
}

/** A non-null object that is not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets an own property without ever touching the prototype, whatever its name (`__proto__` too). */
export function setOwn(target: object, name: string | number, value: unknown): void {
  if (!(name in target)) {
    (target as Record<string | number, unknown>)[name] = value;
    return;
  }
  Object.defineProperty(target, name, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

/**
 * Finds the first part of `value` that JSON would drop or change (a Date, a
 * Buffer, a class instance, `undefined` in an array, NaN, a cycle...).
 * Object properties set to `undefined` are allowed: they stay absent.
 */
export function findJsonProblem(
  value: unknown,
  path: PathSegment[] = [],
  ancestors: Set<object> = new Set(),
): JsonProblem | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value)
        ? undefined
        : {
            path,
            problem: `${value} has no JSON form; seal the field (sealed numbers keep it) or use null`,
          };
    case 'object': {
      if (value === null) return undefined;
      if (ancestors.has(value)) return { path, problem: 'the value contains a cycle' };
      const isArray = Array.isArray(value);
      if (!isArray && !isPlainObject(value)) {
        return {
          path,
          problem:
            `it holds ${describeValue(value)}, whose type is not declared here; declare the ` +
            'property type (for example @Type(() => Date) or @Type(() => Address) from ' +
            'class-transformer) or seal the field, whose values keep their type',
        };
      }
      ancestors.add(value);
      try {
        if (isArray) {
          for (let index = 0; index < value.length; index++) {
            const item: unknown = value[index];
            if (item === undefined) {
              return { path: [...path, index], problem: 'arrays cannot hold undefined' };
            }
            const found = findJsonProblem(item, [...path, index], ancestors);
            if (found) return found;
          }
        } else {
          for (const [key, item] of Object.entries(value)) {
            if (item === undefined) continue;
            const found = findJsonProblem(item, [...path, key], ancestors);
            if (found) return found;
          }
        }
      } finally {
        ancestors.delete(value);
      }
      return undefined;
    }
    default:
      return { path, problem: `${describeValue(value)} cannot be stored` };
  }
}

const JSON_START = /^[\s"{[\-0-9tfn]/;

/** True when `text` would parse as JSON, so that storing it raw would be ambiguous. */
export function isJsonText(text: string): boolean {
  if (!JSON_START.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The text a hash field holds for a clear value: strings as they are (quoted
 * only when they would read back as another JSON value), everything else as JSON.
 */
export function toHashText(value: JsonValue): string {
  if (typeof value === 'string') return isJsonText(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/** Inverse of {@link toHashText}. */
export function fromHashText(text: string): JsonValue {
  if (!JSON_START.test(text)) return text;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}
