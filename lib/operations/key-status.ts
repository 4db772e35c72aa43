import { recordScope } from '../crypto/associated-data.js';
import { OperationOptionsError } from '../errors/operation-options.error.js';
import { UnknownKeyError } from '../errors/unknown-key.error.js';
import type { KeyRing } from '../keys/key-ring.interface.js';
import { scanEntityRecords } from './entity-scan.js';
import { JobKeys } from './job-keys.js';
import { scanNodes } from './keyspace-scan.js';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_MAX_PROBLEMS,
  KeyspaceTrees,
  positiveInteger,
  type ScanOptions,
} from './operation-options.js';
import { RateLimiter } from './rate-limiter.js';
import { RecordWalker } from './record-walker.js';
import { ScannedKeySet } from './scanned-key-set.js';
import { countsObject, ValueTally, type ValueProblem } from './value-tally.js';

/** Options of {@link collectStatus}. */
export interface StatusOptions extends ScanOptions {
  /** The key ring, to say which key ids are primary, decrypt-only, retired or absent. */
  readonly keyRing?: KeyRing;
  /**
   * Open every value (needs `keyRing`): finds values that do not open and counts
   * values nested inside sealed values. Default: false, which reads envelope
   * headers only and decrypts nothing.
   */
  readonly verify?: boolean;
}

/** Where a key id stands in the key ring; `no-ring` when status ran without one. */
export type KeyIdState = 'primary' | 'decrypt-only' | 'retired' | 'not-in-ring' | 'no-ring';

export interface KeyIdStatus {
  readonly keyId: string;
  readonly values: number;
  readonly state: KeyIdState;
}

/** What `status` found under a prefix. Holds key ids and key names, never values. */
export interface StatusReport {
  readonly verified: boolean;
  /** Whether a key ring was given (keys or KMS configured). */
  readonly keyRingConfigured: boolean;
  readonly primaryKeyId: string | undefined;
  readonly keys: { scanned: number; entities: number; other: number; missing: number };
  readonly keyspaces: readonly { keyspace: string; keys: number; schema: boolean }[];
  /** Sealed values by the key id in their header. */
  readonly byKeyId: readonly KeyIdStatus[];
  /** Clear values in sealed fields (known only for keyspaces with a schema). */
  readonly plaintext: number;
  /**
   * Values that cannot be opened: without verification, only envelopes whose
   * header is damaged or of an unknown format.
   */
  readonly unopenable: {
    readonly total: number;
    readonly byReason: Record<string, number>;
    readonly byKeyId: Record<string, number>;
  };
  /** True when every value is sealed under the primary key (`undefined` without a key ring). */
  readonly allUnderPrimary: boolean | undefined;
  readonly problems: readonly ValueProblem[];
  readonly problemsOmitted: number;
  readonly elapsedMs: number;
}

/** Stands in for a key ring when status only reads headers: it never opens anything. */
const NO_KEYS: KeyRing = {
  encryptionKey: () => {
    throw new UnknownKeyError('(none)');
  },
  decryptionKey: (keyId) => {
    throw new UnknownKeyError(keyId);
  },
  describe: () => [],
};

function stateOf(keyId: string, ring: KeyRing | undefined): KeyIdState {
  if (ring === undefined) return 'no-ring';
  return ring.describe().find((key) => key.id === keyId)?.state ?? 'not-in-ring';
}

/**
 * Counts the values under a prefix by key id, with clear values in sealed
 * fields and values that cannot be opened. Read-only: it never writes.
 */
export async function collectStatus(options: StatusOptions): Promise<StatusReport> {
  const startedMs = performance.now();
  const verify = options.verify === true;
  const ring = options.keyRing;
  if (verify && ring === undefined) {
    throw new OperationOptionsError('status', '`verify` needs a key ring to open values');
  }
  const batchSize = positiveInteger('status', 'batchSize', options.batchSize, DEFAULT_BATCH_SIZE);
  const maxProblems = positiveInteger(
    'status',
    'maxProblems',
    options.maxProblems,
    DEFAULT_MAX_PROBLEMS,
  );
  const prefix = options.keyPrefix ?? '';
  const trees = await KeyspaceTrees.load(options);
  const keys = { scanned: 0, entities: 0, other: 0, missing: 0 };
  const perKeyspace = new Map<string, number>();
  const tally = new ValueTally(maxProblems);
  const jobKeys = new JobKeys(ring ?? NO_KEYS);
  const batches = scanEntityRecords({
    client: options.client,
    prefix,
    nodes: scanNodes(options.client),
    cursors: new Map(),
    batchSize,
    keyspaces: options.keyspaces === undefined ? undefined : new Set(options.keyspaces),
    storageOf: (keyspace) => trees.storageOf(keyspace),
    seen: new ScannedKeySet(),
    limiter: new RateLimiter(undefined),
    signal: options.signal,
  });
  for await (const batch of batches) {
    keys.scanned += batch.newKeys;
    keys.other += batch.otherKeys;
    for (const item of batch.records) {
      const record = item.record;
      if (!item.counted || record instanceof Error) continue;
      if (record.kind === 'missing') keys.missing++;
      if (record.kind === 'other') keys.other++;
      if (record.kind !== 'hash' && record.kind !== 'string') continue;
      keys.entities++;
      perKeyspace.set(item.keyspace, (perKeyspace.get(item.keyspace) ?? 0) + 1);
      const target = {
        redisKey: item.key,
        keyspace: item.keyspace,
        id: item.id,
        scope: recordScope(item.keyspace, item.id),
      };
      const tree = trees.tree(item.keyspace);
      const walk = (): ValueTally => {
        const found = new ValueTally(maxProblems);
        const walker = new RecordWalker(
          { action: verify ? 'verify' : 'count' },
          jobKeys,
          target,
          found,
        );
        if (record.kind === 'hash') walker.hash(record.fields, tree);
        else walker.document(record.text, tree);
        return found;
      };
      tally.add(await jobKeys.run(walk));
    }
  }
  const primaryKeyId = ring?.describe().find((key) => key.state === 'primary')?.id;
  const byKeyId = [...tally.byKeyId.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([keyId, values]) => ({ keyId, values, state: stateOf(keyId, ring) }));
  return {
    verified: verify,
    keyRingConfigured: ring !== undefined,
    primaryKeyId,
    keys,
    keyspaces: [...perKeyspace.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([keyspace, count]) => ({ keyspace, keys: count, schema: trees.hasSchema(keyspace) })),
    byKeyId,
    plaintext: tally.plaintext,
    unopenable: {
      total: tally.unopenable,
      byReason: countsObject(tally.unopenableByReason),
      byKeyId: countsObject(tally.unopenableByKeyId),
    },
    allUnderPrimary:
      primaryKeyId === undefined
        ? undefined
        : tally.plaintext === 0 &&
          tally.unopenable === 0 &&
          byKeyId.every((entry) => entry.keyId === primaryKeyId),
    problems: tally.problems,
    problemsOmitted: tally.problemsOmitted,
    elapsedMs: Math.round(performance.now() - startedMs),
  };
}
