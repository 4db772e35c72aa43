/** Where a stored value lives: never the value itself. */
export interface ValueLocation {
  /** Entity class name, for example `Patient`. */
  readonly entity: string;
  /** Entity id, as stored in the Redis key. */
  readonly id: string;
  /** Field path inside the entity, for example `ssn` or `addresses[1].zip`. */
  readonly field: string;
}

export function describeLocation(at: ValueLocation): string {
  return `${at.entity}.${at.field} of id "${at.id}"`;
}
