import { IndexRebuilder, type IndexRebuildCounts } from '../indexes/index-rebuilder.js';
import { installScripts } from '../repository/redis-client.js';
import { OperationOptionsError } from '../errors/operation-options.error.js';
import { randomBytes } from 'node:crypto';
import { DataKey } from '../keys/data-key.js';
import type { KeyRing } from '../keys/key-ring.interface.js';
import { BatchRewriter } from './batch-rewriter.js';
import { scanEntityRecords, type ScanBatch } from './entity-scan.js';
import {
  checkpointKey,
  deleteCheckpoint,
  loadCheckpoint,
  sameSettings,
  saveCheckpoint,
  type JobCheckpoint,
  type JobSettings,
} from './job-checkpoint.js';
import { JobKeys } from './job-keys.js';
import { JobTotals } from './job-totals.js';
import { estimateKeys, scanNodes } from './keyspace-scan.js';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_MAX_PROBLEMS,
  KeyspaceTrees,
  positiveInteger,
  type ScanOptions,
} from './operation-options.js';
import { RateLimiter } from './rate-limiter.js';
import type { WalkMode } from './record-walker.js';
import { outcomeOf, type ReencryptProgress, type ReencryptReport } from './reencrypt-report.js';
import { ScannedKeySet } from './scanned-key-set.js';

/** Options of {@link reencrypt}. */
export interface ReencryptOptions extends ScanOptions {
  /** The key ring whose primary key seals; it must hold every key the data is under. */
  readonly keyRing: KeyRing;
  /** Find and count everything, write nothing (not even a checkpoint). Default: false. */
  readonly dryRun?: boolean;
  /** Seal clear values found in sealed fields. Default: false (they are reported). */
  readonly adoptPlaintext?: boolean;
  /** Name of the job; its checkpoint is `<prefix>__ner:job:<job>`. Default: `'reencrypt'`. */
  readonly job?: string;
  /** Discard the job's checkpoint and start from the beginning. Default: false. */
  readonly restart?: boolean;
  /** Upper bound on keys scanned per second. Default: no limit. */
  readonly keysPerSecond?: number;
  /** Compare-and-set attempts per record that the application keeps changing. Default: 3. */
  readonly attempts?: number;
  /** Called after each page. */
  readonly onProgress?: (progress: ReencryptProgress) => void;
}

const OPERATION = 'reencrypt';
const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Seals every value under the key ring's primary key while the application
 * keeps running: SCAN page by page, read each page in one round trip, re-seal
 * what is under older keys, write back with one compare-and-set per record,
 * checkpoint the cursor. See docs/rotation.md.
 */
export async function reencrypt(options: ReencryptOptions): Promise<ReencryptReport> {
  return new ReencryptJob(options).run();
}

/** The job behind {@link reencrypt}; subclass it to change which key ids count as current. */
export class ReencryptJob {
  protected readonly prefix: string;
  protected readonly job: string;
  protected readonly batchSize: number;
  protected readonly attempts: number;
  protected readonly maxProblems: number;
  protected readonly keysPerSecond: number | undefined;
  readonly #keys: JobKeys;
  #dryRunKey: DataKey | undefined;

  constructor(protected readonly options: ReencryptOptions) {
    this.prefix = options.keyPrefix ?? '';
    this.job = options.job ?? 'reencrypt';
    if (!JOB_NAME.test(this.job)) {
      throw new OperationOptionsError(
        OPERATION,
        '`job` must be 1 to 64 letters, digits, ".", "_" or "-"',
      );
    }
    this.batchSize = positiveInteger(OPERATION, 'batchSize', options.batchSize, DEFAULT_BATCH_SIZE);
    this.attempts = positiveInteger(OPERATION, 'attempts', options.attempts, 3);
    this.maxProblems = positiveInteger(
      OPERATION,
      'maxProblems',
      options.maxProblems,
      DEFAULT_MAX_PROBLEMS,
    );
    const rate = options.keysPerSecond;
    if (rate !== undefined && !(Number.isFinite(rate) && rate > 0)) {
      throw new OperationOptionsError(OPERATION, '`keysPerSecond` must be a positive number');
    }
    this.keysPerSecond = rate;
    this.#keys = new JobKeys(options.keyRing);
  }

  async run(): Promise<ReencryptReport> {
    const startedMs = performance.now();
    const { client, dryRun = false, signal } = this.options;
    const sealingKey = await this.sealingKey();
    const settings: JobSettings = {
      sealing: this.options.keyRing.sealingIdentity?.() ?? sealingKey.id,
      adoptPlaintext: this.options.adoptPlaintext === true,
      keyspaces: this.options.keyspaces === undefined ? null : [...this.options.keyspaces].sort(),
    };
    const trees = await KeyspaceTrees.load(this.options);
    const key = checkpointKey(this.prefix, this.job);
    const start = dryRun ? undefined : await this.startingPoint(key, settings);
    const checkpoint: JobCheckpoint = start?.checkpoint ?? {
      state: 'running',
      settings,
      cursors: new Map(),
      totals: new JobTotals(this.maxProblems),
      startedAt: new Date().toISOString(),
      sealedWith: new Set(),
    };
    if (!dryRun) await saveCheckpoint(client, key, checkpoint);
    const nodes = scanNodes(client);
    const estimatedKeys = await estimateKeys(nodes);
    const totals = checkpoint.totals;
    const rewriter = new BatchRewriter({
      client,
      keys: this.#keys,
      trees,
      dryRun,
      attempts: this.attempts,
      maxProblems: this.maxProblems,
    });
    const batches = scanEntityRecords({
      client,
      prefix: this.prefix,
      nodes,
      cursors: checkpoint.cursors,
      batchSize: this.batchSize,
      keyspaces: settings.keyspaces === null ? undefined : new Set(settings.keyspaces),
      storageOf: (keyspace) => trees.storageOf(keyspace),
      seen: new ScannedKeySet(),
      limiter: new RateLimiter(this.keysPerSecond),
      signal,
    });
    const indexes: IndexRebuildCounts = {
      checked: 0,
      rebuilt: 0,
      changedConcurrently: 0,
      unopenable: 0,
    };
    for await (const batch of batches) {
      const mode = await this.walkMode(settings.adoptPlaintext, checkpoint.sealedWith);
      await rewriter.rewrite(batch, mode, totals);
      if (!dryRun) await this.rebuildIndexes(batch, trees, indexes);
      checkpoint.cursors.set(batch.node.id, batch.cursor === '0' ? 'done' : batch.cursor);
      if (!dryRun) await saveCheckpoint(client, key, checkpoint);
      this.options.onProgress?.({
        scanned: totals.keys.scanned,
        estimatedKeys,
        resealed: totals.values.resealed,
        adopted: totals.values.adopted,
        unopenable: totals.values.unopenable,
      });
    }
    this.#dryRunKey?.destroy();
    const interrupted = nodes.some((node) => checkpoint.cursors.get(node.id) !== 'done');
    if (!dryRun && !interrupted) {
      await saveCheckpoint(client, key, { ...checkpoint, state: 'done' });
    }
    return {
      ...totals.toJSON(),
      job: this.job,
      dryRun,
      adoptPlaintext: settings.adoptPlaintext,
      primaryKeyId: sealingKey.id,
      indexes,
      outcome: outcomeOf(totals, interrupted),
      resumed: start?.checkpoint !== undefined,
      ...(start?.restartedBecause === undefined
        ? {}
        : { restartedBecause: start.restartedBecause }),
      startedAt: checkpoint.startedAt,
      elapsedMs: Math.round(performance.now() - startedMs),
    };
  }

  /**
   * Whether a value under `keyId` is already current: under the sealing key,
   * or under a key an earlier run of this job sealed with (a KMS ring seals
   * under a new data key in every process).
   */
  protected isCurrent(
    keyId: string,
    sealingKey: DataKey,
    sealedWith: ReadonlySet<string>,
  ): boolean {
    return keyId === sealingKey.id || sealedWith.has(keyId);
  }

  /** Refreshes the blind-index references of the page's entities under the current index key. */
  private async rebuildIndexes(
    batch: ScanBatch,
    trees: KeyspaceTrees,
    counts: IndexRebuildCounts,
  ): Promise<void> {
    const byKeyspace = new Map<string, string[]>();
    for (const item of batch.records) {
      if (item.record instanceof Error || trees.indexesOf(item.keyspace) === undefined) continue;
      const ids = byKeyspace.get(item.keyspace) ?? [];
      ids.push(item.id);
      byKeyspace.set(item.keyspace, ids);
    }
    for (const [keyspace, ids] of byKeyspace) {
      const rebuilder = new IndexRebuilder(
        installScripts(this.options.client),
        this.prefix,
        trees.indexesOf(keyspace)!,
        this.options.keyRing,
      );
      await rebuilder.rebuild(ids, counts);
    }
  }

  /**
   * The key to seal with. A dry run writes nothing, so with a ring that would
   * make a new data key for this process (KMS) it seals in memory with a
   * throwaway key instead, and calls no key service.
   */
  private async sealingKey(): Promise<DataKey> {
    const { keyRing, dryRun } = this.options;
    if (dryRun === true && keyRing.sealingIdentity !== undefined) {
      this.#dryRunKey ??= new DataKey('dry-run', randomBytes(32));
      return this.#dryRunKey;
    }
    return keyRing.encryptionKey();
  }

  private async walkMode(adoptPlaintext: boolean, sealedWith: Set<string>): Promise<WalkMode> {
    const sealingKey = await this.sealingKey();
    sealedWith.add(sealingKey.id);
    return {
      action: 'reencrypt',
      sealingKey,
      isCurrent: (keyId) => this.isCurrent(keyId, sealingKey, sealedWith),
      adoptPlaintext,
    };
  }

  /** The checkpoint to continue from, or why an unfinished one is not continued. */
  private async startingPoint(
    key: string,
    settings: JobSettings,
  ): Promise<{ checkpoint?: JobCheckpoint; restartedBecause?: string }> {
    const { client } = this.options;
    if (this.options.restart === true) {
      await deleteCheckpoint(client, key);
      return {};
    }
    const saved = await loadCheckpoint(client, key, this.maxProblems);
    if (saved === undefined || saved.state === 'done') return {};
    if (sameSettings(saved.settings, settings)) return { checkpoint: saved };
    return {
      restartedBecause:
        'the unfinished run used other settings (sealing key, plaintext adoption or keyspaces)',
    };
  }
}
