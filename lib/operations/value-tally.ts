/**
 * Why a value was left as it is. `plaintext`: a clear value in a sealed field
 * (adopt it with `adoptPlaintext`); `invalid-plaintext`: a clear value that
 * cannot be read as the field's type; `invalid-record`: a record that is not
 * what its storage says (a JSON document that does not parse);
 * `changed-concurrently`: a record the application kept changing while the job
 * worked on it, left for the next run.
 */
export type ProblemReason =
  | 'unknown-key'
  | 'retired-key'
  | 'integrity'
  | 'malformed'
  | 'unsupported'
  | 'plaintext'
  | 'invalid-plaintext'
  | 'invalid-record'
  | 'changed-concurrently';

/** One value left as it was: where it lives and why. Never the value itself. */
export interface ValueProblem {
  /** The Redis key, shortened when long. */
  readonly key: string;
  /** Field path inside the record, for example `home.zip`; empty for a whole record. */
  readonly field: string;
  readonly reason: ProblemReason;
  /** Key id named by the envelope, when there is one. */
  readonly keyId?: string;
}

function bump(map: Map<string, number>, name: string, by = 1): void {
  map.set(name, (map.get(name) ?? 0) + by);
}

/** Counts of what a walk found and did, for one record or a whole job. */
export class ValueTally {
  /** Values sealed again under the primary key. */
  resealed = 0;
  /** Values already under the primary key. */
  current = 0;
  /** Clear values in sealed fields that were sealed in place. */
  adopted = 0;
  /** Clear values in sealed fields left clear. */
  plaintext = 0;
  /** Values that could not be opened (or, for `status` without verification, parsed). */
  unopenable = 0;
  /** Envelopes found, by the key id in their header (what was stored before any change). */
  readonly byKeyId = new Map<string, number>();
  readonly unopenableByReason = new Map<string, number>();
  readonly unopenableByKeyId = new Map<string, number>();
  readonly problems: ValueProblem[] = [];
  /** Problems beyond `maxProblems`, counted but not listed. */
  problemsOmitted = 0;

  constructor(private readonly maxProblems = Number.POSITIVE_INFINITY) {}

  sawKeyId(keyId: string): void {
    bump(this.byKeyId, keyId);
  }

  unopened(problem: ValueProblem): void {
    this.unopenable++;
    bump(this.unopenableByReason, problem.reason);
    if (problem.keyId !== undefined) bump(this.unopenableByKeyId, problem.keyId);
    this.note(problem);
  }

  clearValue(problem: ValueProblem): void {
    this.plaintext++;
    this.note(problem);
  }

  note(problem: ValueProblem): void {
    if (this.problems.length < this.maxProblems) this.problems.push(problem);
    else this.problemsOmitted++;
  }

  /** Adds another tally's counts and problems into this one. */
  add(other: ValueTally): void {
    this.resealed += other.resealed;
    this.current += other.current;
    this.adopted += other.adopted;
    this.plaintext += other.plaintext;
    this.unopenable += other.unopenable;
    for (const [name, count] of other.byKeyId) bump(this.byKeyId, name, count);
    for (const [name, count] of other.unopenableByReason) {
      bump(this.unopenableByReason, name, count);
    }
    for (const [name, count] of other.unopenableByKeyId) bump(this.unopenableByKeyId, name, count);
    for (const problem of other.problems) this.note(problem);
    this.problemsOmitted += other.problemsOmitted;
  }
}

/** A map of counts as a plain object with sorted keys, for JSON output. */
export function countsObject(map: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => a.localeCompare(b)));
}
