import { countsObject, ValueTally, type ValueProblem } from './value-tally.js';

/** What happened to the keys a scan returned, each counted once. */
export interface KeyCounts {
  /** Keys under the prefix returned by SCAN. */
  scanned: number;
  /** Entity keys read. */
  entities: number;
  /** Keys that are not entity keys of the keyspaces walked, or hold a type no entity uses. */
  other: number;
  /** Entity keys deleted or expired between the scan and the read. */
  missing: number;
  /** Entity keys written by the job. */
  written: number;
  /** Entity keys that could not be read or written (a Redis error); left for the next run. */
  failed: number;
}

/** Records that changed while the job worked on them. */
export interface ConcurrencyCounts {
  /** Read again and re-sealed on a later attempt. */
  retried: number;
  /** Still changing after every attempt: left as the application wrote them, for the next run. */
  left: number;
}

/** Cumulative counts of a job, kept in its checkpoint so that a resumed job reports the whole run. */
export class JobTotals {
  readonly keys: KeyCounts = {
    scanned: 0,
    entities: 0,
    other: 0,
    missing: 0,
    written: 0,
    failed: 0,
  };
  readonly concurrent: ConcurrencyCounts = { retried: 0, left: 0 };
  readonly values: ValueTally;
  readonly keyspacesWithSchema = new Set<string>();
  readonly keyspacesByFormat = new Set<string>();

  constructor(readonly maxProblems: number) {
    this.values = new ValueTally(maxProblems);
  }

  toJSON(): SavedTotals {
    const { values } = this;
    return {
      keys: { ...this.keys },
      concurrent: { ...this.concurrent },
      values: {
        resealed: values.resealed,
        current: values.current,
        adopted: values.adopted,
        plaintext: values.plaintext,
        unopenable: values.unopenable,
      },
      foundByKeyId: countsObject(values.byKeyId),
      unopenableByReason: countsObject(values.unopenableByReason),
      unopenableByKeyId: countsObject(values.unopenableByKeyId),
      keyspacesWithSchema: [...this.keyspacesWithSchema].sort(),
      keyspacesByFormat: [...this.keyspacesByFormat].sort(),
      problems: [...values.problems],
      problemsOmitted: values.problemsOmitted,
    };
  }

  /** Totals saved by {@link toJSON}; throws a `SyntaxError` or `TypeError` when they are not. */
  static fromJSON(text: string, maxProblems: number): JobTotals {
    const saved = JSON.parse(text) as SavedTotals;
    const totals = new JobTotals(maxProblems);
    Object.assign(totals.keys, saved.keys);
    Object.assign(totals.concurrent, saved.concurrent);
    const tally = totals.values;
    Object.assign(tally, saved.values);
    const maps: [Map<string, number>, Record<string, number>][] = [
      [tally.byKeyId, saved.foundByKeyId],
      [tally.unopenableByReason, saved.unopenableByReason],
      [tally.unopenableByKeyId, saved.unopenableByKeyId],
    ];
    for (const [map, counts] of maps) {
      for (const [name, count] of Object.entries(counts)) map.set(name, count);
    }
    for (const problem of saved.problems) tally.note(problem);
    tally.problemsOmitted += saved.problemsOmitted;
    for (const name of saved.keyspacesWithSchema) totals.keyspacesWithSchema.add(name);
    for (const name of saved.keyspacesByFormat) totals.keyspacesByFormat.add(name);
    return totals;
  }
}

/** The JSON form of {@link JobTotals}, as kept in a checkpoint and spread into a report. */
export interface SavedTotals {
  readonly keys: KeyCounts;
  readonly concurrent: ConcurrencyCounts;
  readonly values: {
    readonly resealed: number;
    readonly current: number;
    readonly adopted: number;
    readonly plaintext: number;
    readonly unopenable: number;
  };
  readonly foundByKeyId: Record<string, number>;
  readonly unopenableByReason: Record<string, number>;
  readonly unopenableByKeyId: Record<string, number>;
  readonly keyspacesWithSchema: string[];
  readonly keyspacesByFormat: string[];
  readonly problems: ValueProblem[];
  readonly problemsOmitted: number;
}
