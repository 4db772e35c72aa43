/**
 * Associated data binds a sealed value to where it lives:
 *
 *   header | len16(keyspace) | keyspace | len16(id) | id | for each path segment: len16(seg) | seg
 *
 * Every string is UTF-8 and preceded by its byte length as a 16-bit big-endian
 * integer, so no two different locations share associated data.
 */
const MAX_PART_BYTES = 0xffff;

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

/** The part of the associated data shared by every field of one record. */
export function recordScope(keyspace: string, id: string): Buffer {
  return Buffer.concat([lengthPrefixed(keyspace), lengthPrefixed(id)]);
}

/** The field-path part of the associated data. */
export function pathScope(path: readonly PathSegment[]): Buffer {
  return Buffer.concat(path.map((segment) => lengthPrefixed(String(segment))));
}

/** `addresses[1].zip` style rendering of a path, for messages. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    out += typeof segment === 'number' ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  }
  return out;
}
