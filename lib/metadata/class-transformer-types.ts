import classTransformerStorage from 'class-transformer/cjs/storage.js';

/** The part of class-transformer's metadata storage this library reads. */
interface TypeMetadataView {
  readonly propertyName: string;
  readonly reflectedType: unknown;
  readonly typeFunction: (options?: unknown) => unknown;
}

interface StorageView {
  findTypeMetadata(target: Function, propertyName: string): TypeMetadataView | undefined;
  readonly _typeMetadatas?: Map<Function, Map<string, TypeMetadataView>>;
}

const storage = (classTransformerStorage as { defaultMetadataStorage?: StorageView })
  .defaultMetadataStorage;

/** The class given by `@Type(() => X)` on a property, and whether the property is an array. */
export interface TransformerType {
  readonly type: unknown;
  readonly reflectedType: unknown;
}

export function findTransformerType(
  target: Function,
  property: string,
): TransformerType | undefined {
  const metadata = storage?.findTypeMetadata(target, property);
  if (metadata === undefined) return undefined;
  return {
    type: metadata.typeFunction({ newObject: undefined, object: {}, property }),
    reflectedType: metadata.reflectedType,
  };
}

/**
 * Properties declared with `@Type` directly on `target` (not its ancestors).
 * Reads class-transformer's storage, which has no public listing; returns
 * nothing if its shape ever changes, and lookups by name keep working.
 */
export function ownTransformerTypeProperties(target: Function): string[] {
  const own = storage?._typeMetadatas?.get(target);
  return own instanceof Map ? [...own.keys()] : [];
}
