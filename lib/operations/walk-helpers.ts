import { pathScope, type PathSegment } from '../crypto/associated-data.js';

const TOP_LEVEL_PATHS = new Map<string, Buffer>();
const MAX_CACHED_PATHS = 4096;

/** `pathScope(path)`, cached for top-level fields, which every record of a keyspace shares. */
export function pathBytes(path: readonly PathSegment[]): Buffer {
  const [name] = path;
  if (path.length !== 1 || typeof name !== 'string') return pathScope(path);
  let bytes = TOP_LEVEL_PATHS.get(name);
  if (bytes === undefined) {
    bytes = pathScope(path);
    if (TOP_LEVEL_PATHS.size < MAX_CACHED_PATHS) TOP_LEVEL_PATHS.set(name, bytes);
  }
  return bytes;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets an own property, whatever its name (`__proto__` included). */
export function setOwn(target: object, name: string | number, value: unknown): void {
  Object.defineProperty(target, name, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}
