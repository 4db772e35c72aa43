import { recordScope } from '../crypto/associated-data.js';
import type { RedisClient } from '../repository/redis-client.js';
import { shortenKey } from './entity-key.js';
import type { ScanBatch, ScannedRecord } from './entity-scan.js';
import type { JobKeys } from './job-keys.js';
import type { JobTotals } from './job-totals.js';
import type { KeyspaceTrees } from './operation-options.js';
import { readRecords, swapRecords, type RecordChange } from './record-access.js';
import { RecordWalker, type WalkMode } from './record-walker.js';
import { ValueTally } from './value-tally.js';

/** What the rewriter of a job shares across pages. */
export interface RewriteContext {
  readonly client: RedisClient;
  readonly keys: JobKeys;
  readonly trees: KeyspaceTrees;
  readonly dryRun: boolean;
  /** Compare-and-set attempts per record. */
  readonly attempts: number;
  readonly maxProblems: number;
}

interface Walked {
  readonly tally: ValueTally;
  readonly change: RecordChange | undefined;
}

/**
 * Re-seals the records of one page and writes them back with one
 * compare-and-set each, in one round trip. A record the application changed
 * since it was read is read again and redone, up to `attempts` times, then
 * left for the next run. Counts go into the job's totals only for what was
 * written (or, in a dry run, would be).
 */
export class BatchRewriter {
  constructor(private readonly context: RewriteContext) {}

  /** Walks, writes and counts one page, retrying records that changed under it. */
  async rewrite(batch: ScanBatch, mode: WalkMode, totals: JobTotals): Promise<void> {
    const { keys, concurrent, values } = totals;
    keys.scanned += batch.newKeys;
    keys.other += batch.otherKeys;
    let pending = batch.records;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const writes: { item: ScannedRecord; walked: Walked; change: RecordChange }[] = [];
      for (const item of pending) {
        const count = item.counted ? 1 : 0;
        if (item.record instanceof Error) {
          keys.failed += count;
          continue;
        }
        const kind = item.record.kind;
        if (kind === 'missing' || kind === 'other') {
          if (kind === 'missing') keys.missing += count;
          else if (attempt === 1) keys.other += count;
          continue;
        }
        if (attempt === 1) keys.entities += count;
        const walked = await this.walk(item, mode, totals);
        if (walked.change === undefined || this.context.dryRun) {
          if (item.counted) values.add(walked.tally);
          if (walked.change !== undefined) keys.written += count;
        } else {
          writes.push({ item, walked, change: walked.change });
        }
      }
      const results = await swapRecords(
        this.context.client,
        writes.map(({ item, change }) => ({ key: item.key, change })),
      );
      const changed: ScannedRecord[] = [];
      results.forEach((result, index) => {
        const { item, walked } = writes[index]!;
        const count = item.counted ? 1 : 0;
        if (result === 'written') {
          if (item.counted) values.add(walked.tally);
          keys.written += count;
          if (attempt > 1) concurrent.retried += count;
        } else if (result === 'changed') {
          changed.push(item);
        } else {
          keys.failed += count;
        }
      });
      if (changed.length === 0) return;
      if (attempt >= this.context.attempts) {
        for (const item of changed.filter((each) => each.counted)) {
          concurrent.left++;
          values.note({ key: shortenKey(item.key), field: '', reason: 'changed-concurrently' });
        }
        return;
      }
      const reread = await readRecords(
        this.context.client,
        changed.map((item) => item.key),
        changed.map((item) => this.context.trees.storageOf(item.keyspace)),
      );
      pending = changed.map((item, index) => ({ ...item, record: reread[index]! }));
    }
  }

  private async walk(item: ScannedRecord, mode: WalkMode, totals: JobTotals): Promise<Walked> {
    const { trees, keys, maxProblems } = this.context;
    const { keyspace, id } = item;
    const record = item.record as Exclude<ScannedRecord['record'], Error>;
    const tree = trees.tree(keyspace);
    if (trees.hasSchema(keyspace)) totals.keyspacesWithSchema.add(keyspace);
    else totals.keyspacesByFormat.add(keyspace);
    const target = { redisKey: item.key, keyspace, id, scope: recordScope(keyspace, id) };
    return keys.run((): Walked => {
      const tally = new ValueTally(maxProblems);
      const walker = new RecordWalker(mode, keys, target, tally);
      if (record.kind === 'hash') {
        const fields = walker.hash(record.fields, tree);
        return { tally, change: fields.length > 0 ? { kind: 'hash', fields } : undefined };
      }
      if (record.kind !== 'string') return { tally, change: undefined };
      const next = walker.document(record.text, tree);
      return {
        tally,
        change: next === undefined ? undefined : { kind: 'string', expected: record.text, next },
      };
    });
  }
}
