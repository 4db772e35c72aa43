/**
 * Associated data binds a sealed value to where it lives:
 *
 *   header | len16(keyspace) | keyspace | len16(id) | id | for each path segment: len16(seg) | seg
 *
 * Every string is UTF-8 and preceded by its byte length as a 16-bit big-endian
 * integer, so no two different locations share associated data.
 */
const MAX_PART_BYTES = 0xffff;
/** Keyspaces and top-level field names whose encoded parts are kept. */
const MAX_CACHED_PATHS = 4096;

export type PathSegment = string | number;

export function lengthPrefixed(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > MAX_PART_BYTES) {
    throw new RangeError(`an associated-data part is longer than ${MAX_PART_BYTES} bytes`);
  }
  const out = Buffer.allocUnsafe(2 + bytes.length);
  out.writeUInt16BE(bytes.length, 0);
  bytes.copy(out, 2);
  return out;
}

const KEYSPACE_PARTS = new Map<string, Buffer>();

/** The part of the associated data shared by every field of one record. */
export function recordScope(keyspace: string, id: string): Buffer {
  let keyspacePart = KEYSPACE_PARTS.get(keyspace);
  if (keyspacePart === undefined) {
    keyspacePart = lengthPrefixed(keyspace);
    if (KEYSPACE_PARTS.size < MAX_CACHED_PATHS) KEYSPACE_PARTS.set(keyspace, keyspacePart);
  }
  return Buffer.concat([keyspacePart, lengthPrefixed(id)]);
}

/** The field-path part of the associated data. */
export function pathScope(path: readonly PathSegment[]): Buffer {
  return Buffer.concat(path.map((segment) => lengthPrefixed(String(segment))));
}

const TOP_LEVEL_PATHS = new Map<string, Buffer>();

/**
 * `pathScope(path)`, cached for top-level fields, which every record of a
 * keyspace shares (up to 4,096 names; deeper paths are computed each time).
 */
export function cachedPathScope(path: readonly PathSegment[]): Buffer {
  const [name] = path;
  if (path.length !== 1 || typeof name !== 'string') return pathScope(path);
  let bytes = TOP_LEVEL_PATHS.get(name);
  if (bytes === undefined) {
    bytes = pathScope(path);
    if (TOP_LEVEL_PATHS.size < MAX_CACHED_PATHS) TOP_LEVEL_PATHS.set(name, bytes);
  }
  return bytes;
}

/** `addresses[1].zip` style rendering of a path, for messages. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    out += typeof segment === 'number' ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  }
  return out;
}
