import { CheckpointError } from '../errors/checkpoint.error.js';
import type { RedisClient } from '../repository/redis-client.js';
import { shortenKey } from './entity-key.js';
import { JobTotals } from './job-totals.js';
import { BOOKKEEPING_MARK } from './schema-registry.js';

const CHECKPOINT_FORMAT = '1';
/** How long the checkpoint of a finished job is kept, for inspection: 30 days. */
const DONE_TTL_MS = 30 * 24 * 3600 * 1000;

/** Settings that decide what a pass does; a checkpoint written with other settings is not resumed. */
export interface JobSettings {
  /** `keyRing.sealingIdentity()`, or the primary key id. */
  readonly sealing: string;
  readonly adoptPlaintext: boolean;
  readonly keyspaces: readonly string[] | null;
}

/**
 * Progress of a job, kept in the hash `<prefix>__ner:job:<name>`:
 * `format` (1), `state` (`running` | `done`), `settings` (JSON),
 * `cursors` (JSON: SCAN cursor per node id, `done` when a node is finished),
 * `totals` (JSON counts), `sealedWith` (JSON key ids), `startedAt` and `updatedAt` (ISO times).
 * Each save is one HSET, so a job killed at any moment leaves a whole checkpoint.
 */
export interface JobCheckpoint {
  readonly state: 'running' | 'done';
  readonly settings: JobSettings;
  readonly cursors: Map<string, string>;
  readonly totals: JobTotals;
  readonly startedAt: string;
  /** Ids of the keys this job has sealed with, over all its runs: values under them are current. */
  readonly sealedWith: Set<string>;
}

export function checkpointKey(prefix: string, job: string): string {
  return `${prefix}${BOOKKEEPING_MARK}job:${job}`;
}

/** The saved checkpoint, or `undefined` when the job has none. */
export async function loadCheckpoint(
  client: RedisClient,
  key: string,
  maxProblems: number,
): Promise<JobCheckpoint | undefined> {
  const saved = await client.hgetall(key);
  if (Object.keys(saved).length === 0) return undefined;
  if (saved.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(shortenKey(key), `has format ${saved.format ?? 'none'}, not 1`);
  }
  try {
    const settings = JSON.parse(saved.settings!) as JobSettings;
    const cursors = JSON.parse(saved.cursors!) as Record<string, string>;
    if (saved.state !== 'running' && saved.state !== 'done') throw new TypeError('state');
    return {
      state: saved.state,
      settings,
      cursors: new Map(Object.entries(cursors)),
      totals: JobTotals.fromJSON(saved.totals!, maxProblems),
      startedAt: saved.startedAt ?? new Date().toISOString(),
      sealedWith: new Set(JSON.parse(saved.sealedWith ?? '[]') as string[]),
    };
  } catch (error) {
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(shortenKey(key), 'cannot be read');
  }
}

/** Writes the whole checkpoint in one step; a finished job's checkpoint expires after 30 days. */
export async function saveCheckpoint(
  client: RedisClient,
  key: string,
  checkpoint: JobCheckpoint,
): Promise<void> {
  const fields = {
    format: CHECKPOINT_FORMAT,
    state: checkpoint.state,
    settings: JSON.stringify(checkpoint.settings),
    cursors: JSON.stringify(Object.fromEntries(checkpoint.cursors)),
    totals: JSON.stringify(checkpoint.totals),
    sealedWith: JSON.stringify([...checkpoint.sealedWith]),
    startedAt: checkpoint.startedAt,
    updatedAt: new Date().toISOString(),
  };
  if (checkpoint.state === 'done') {
    await client.multi().hset(key, fields).pexpire(key, DONE_TTL_MS).exec();
  } else {
    await client.multi().hset(key, fields).persist(key).exec();
  }
}

/** Whether a checkpoint can be continued with these settings. */
export function sameSettings(a: JobSettings, b: JobSettings): boolean {
  return (
    a.sealing === b.sealing &&
    a.adoptPlaintext === b.adoptPlaintext &&
    JSON.stringify(a.keyspaces) === JSON.stringify(b.keyspaces)
  );
}

export async function deleteCheckpoint(client: RedisClient, key: string): Promise<void> {
  await client.del(key);
}
