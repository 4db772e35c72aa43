import 'reflect-metadata';
import { findTransformerType } from './class-transformer-types.js';

/** A user class, possibly abstract. */
export type Class<T = unknown> = abstract new (...args: never[]) => T;

/** What the declaration of a property says about the values it holds. */
export type DeclaredType =
  /** No decorator, so TypeScript emitted no type. */
  | { readonly kind: 'undeclared' }
  /** `Object`, an interface, a union or `any`: any JSON value. */
  | { readonly kind: 'any' }
  | { readonly kind: 'string' | 'number' | 'boolean' | 'date' | 'bytes' | 'bigint' }
  | { readonly kind: 'class'; readonly cls: Class }
  /** `element` is undefined when the element type cannot be known. */
  | { readonly kind: 'array'; readonly element: DeclaredType | undefined }
  | { readonly kind: 'unsupported'; readonly typeName: string };

const SCALARS = new Map<unknown, DeclaredType>([
  [String, { kind: 'string' }],
  [Number, { kind: 'number' }],
  [Boolean, { kind: 'boolean' }],
  [Date, { kind: 'date' }],
  [Buffer, { kind: 'bytes' }],
  [Uint8Array, { kind: 'bytes' }],
  [BigInt, { kind: 'bigint' }],
  [Object, { kind: 'any' }],
]);

const UNSUPPORTED = new Set<unknown>([
  Map,
  Set,
  WeakMap,
  WeakSet,
  Promise,
  Function,
  Symbol,
  RegExp,
  Error,
  ArrayBuffer,
]);

function fromConstructor(type: unknown): DeclaredType {
  const scalar = SCALARS.get(type);
  if (scalar !== undefined) return scalar;
  if (type === Array) return { kind: 'array', element: undefined };
  if (typeof type !== 'function' || UNSUPPORTED.has(type)) {
    const typeName = typeof type === 'function' ? type.name : String(type);
    return { kind: 'unsupported', typeName };
  }
  return { kind: 'class', cls: type as Class };
}

/**
 * The declared type of `property` on `target`: class-transformer's `@Type`
 * first (it names array elements), then TypeScript's `design:type`.
 */
export function declaredTypeOf(target: Class, property: string): DeclaredType {
  const transformer = findTransformerType(target, property);
  const reflected: unknown = Reflect.getMetadata(
    'design:type',
    target.prototype as object,
    property,
  );
  if (transformer !== undefined) {
    const element = fromConstructor(transformer.type);
    return transformer.reflectedType === Array || reflected === Array
      ? { kind: 'array', element }
      : element;
  }
  return reflected === undefined ? { kind: 'undeclared' } : fromConstructor(reflected);
}

/** Human name of a declared type, for messages. */
export function describeDeclaredType(type: DeclaredType): string {
  switch (type.kind) {
    case 'class':
      return type.cls.name;
    case 'array':
      return `${type.element ? describeDeclaredType(type.element) : 'unknown'}[]`;
    case 'unsupported':
      return type.typeName;
    default:
      return type.kind;
  }
}
