import type { IndexRebuildCounts } from '../indexes/index-rebuilder.js';
import type { JobTotals, SavedTotals } from './job-totals.js';

/**
 * `complete`: every value found is under the primary key. `partial`: some
 * values were left as they were (unopenable, plaintext, still changing, or a
 * Redis error); run again after fixing what the problems name.
 * `interrupted`: stopped before the end; run again to continue.
 */
export type JobOutcome = 'complete' | 'partial' | 'interrupted';

/**
 * What a re-encryption job did, counted over the whole job when it was
 * resumed. Holds key ids and key names, never values or key bytes. `values`
 * counts re-sealed, current and adopted values, clear values left in sealed
 * fields (`plaintext`) and values that could not be opened; `foundByKeyId`
 * counts envelopes by the key id they were under when read; `concurrent`
 * counts records the application changed while the job worked on them.
 */
export interface ReencryptReport extends SavedTotals {
  readonly job: string;
  readonly dryRun: boolean;
  readonly adoptPlaintext: boolean;
  readonly primaryKeyId: string;
  readonly outcome: JobOutcome;
  /** Blind-index references refreshed under the current index key, in this run. */
  readonly indexes: IndexRebuildCounts;
  /** Whether this run continued a checkpoint left by an earlier run. */
  readonly resumed: boolean;
  /** Why an earlier, unfinished run was not continued, when it was not. */
  readonly restartedBecause?: string;
  /** When the job (its first run, if resumed) started. */
  readonly startedAt: string;
  /** Time this run took, in milliseconds. */
  readonly elapsedMs: number;
}

export function outcomeOf(totals: JobTotals, interrupted: boolean): JobOutcome {
  if (interrupted) return 'interrupted';
  const { values, concurrent, keys } = totals;
  const left = values.unopenable + values.plaintext + concurrent.left + keys.failed;
  return left > 0 ? 'partial' : 'complete';
}

/** Progress after each page, for a progress bar. */
export interface ReencryptProgress {
  readonly scanned: number;
  /** Keys in the scanned databases (all of them, not only the prefix): an upper bound. */
  readonly estimatedKeys: number;
  readonly resealed: number;
  readonly adopted: number;
  readonly unopenable: number;
}
