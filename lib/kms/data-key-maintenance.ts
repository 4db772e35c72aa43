import { Logger } from '@nestjs/common';
import { ConfigurationError } from '../errors/configuration.error.js';
import { wrappedKeyOf, type DataKeyEntry, type DataKeyState } from './data-key-entry.js';
import type { StoredDataKey } from './data-key-registry.js';
import { indexKeyVersion } from './kms-index-keys.js';
import type { KmsKeyRing } from './kms-key-ring.js';

const logger = new Logger('KmsDataKeys');

/** A registry entry as reported to people: everything but the wrapped key. */
export interface DataKeySummary {
  readonly id: string;
  readonly state: DataKeyState;
  readonly kmsKeyArn: string;
  /** False once the wrapped key was deleted (`retire --shred`): its values can never open again. */
  readonly recoverable: boolean;
  readonly createdAt: Date;
  readonly rewrappedAt?: Date;
  readonly retiredAt?: Date;
}

/** One data key a maintenance call did not change, and why. */
export interface DataKeySkip {
  readonly id: string;
  readonly reason: string;
}

export interface RewrapOptions {
  /** KMS key to wrap under (id, ARN or alias). Default: the ring's `keyId`. */
  readonly toKeyId?: string;
  /** Only these data keys. Default: every entry that still has its wrapped key. */
  readonly ids?: readonly string[];
  /** Only data keys now wrapped under this KMS key ARN. */
  readonly fromKeyArn?: string;
  /**
   * `'reencrypt'` (default) uses `ReEncrypt`, so the key never leaves KMS in
   * clear; `'decrypt-encrypt'` uses `Decrypt` then `Encrypt`.
   */
  readonly method?: 'reencrypt' | 'decrypt-encrypt';
}

export interface RewrapResult {
  readonly rewrapped: readonly string[];
  readonly skipped: readonly DataKeySkip[];
}

export interface RetireOptions {
  /** These data keys. */
  readonly ids?: readonly string[];
  /** Every data key created before this time. */
  readonly createdBefore?: Date;
  /**
   * Also delete the wrapped key, so no one can ever open its values again.
   * Irreversible. Default: false (the key is refused; its wrapped form is kept).
   */
  readonly shred?: boolean;
  /**
   * Retire keys younger than the ring's `cache.maxAgeMs` too: a running
   * instance may still be sealing new values with them. Default: false.
   */
  readonly force?: boolean;
}

export interface RetireResult {
  readonly retired: readonly string[];
  readonly skipped: readonly DataKeySkip[];
}

function summary(entry: DataKeyEntry): DataKeySummary {
  const { wrapped, ...rest } = entry;
  return { ...rest, recoverable: wrapped !== undefined };
}

function selected(all: StoredDataKey[], ids: readonly string[] | undefined): StoredDataKey[] {
  return ids === undefined ? all : all.filter(({ entry }) => ids.includes(entry.id));
}

function missing(all: StoredDataKey[], ids: readonly string[] | undefined): DataKeySkip[] {
  const known = new Set(all.map(({ entry }) => entry.id));
  return (ids ?? [])
    .filter((id) => !known.has(id))
    .map((id) => ({ id, reason: 'not in the registry' }));
}

/** Every data key of the ring's registry, without the wrapped keys. */
export async function listDataKeys(ring: KmsKeyRing): Promise<DataKeySummary[]> {
  return (await ring.registry.list()).map(({ entry }) => summary(entry));
}

/**
 * Wraps data keys again under a KMS key (after rotating to a new KMS key,
 * say), without touching a single sealed value: the data keys stay the same,
 * only their wrapped form in the registry changes. Running instances keep
 * their cached keys. An entry changed concurrently is skipped, never overwritten.
 */
export async function rewrapDataKeys(
  ring: KmsKeyRing,
  options: RewrapOptions = {},
): Promise<RewrapResult> {
  const destination = options.toKeyId ?? ring.settings.keyId;
  const all = await ring.registry.list();
  const rewrapped: string[] = [];
  const skipped = missing(all, options.ids);
  for (const stored of selected(all, options.ids)) {
    const { entry } = stored;
    const wrapped = wrappedKeyOf(entry);
    if (wrapped === undefined) {
      skipped.push({ id: entry.id, reason: 'shredded: no wrapped key left' });
      continue;
    }
    if (options.fromKeyArn !== undefined && entry.kmsKeyArn !== options.fromKeyArn) continue;
    if (entry.kmsKeyArn === destination) {
      skipped.push({ id: entry.id, reason: 'already wrapped under the destination key' });
      continue;
    }
    const context = ring.contextFor(entry.id);
    const next =
      options.method === 'decrypt-encrypt'
        ? await ring.kms.decryptThenEncrypt(entry.id, wrapped, context, destination)
        : await ring.kms.reEncrypt(entry.id, wrapped, context, destination);
    const replaced = await ring.registry.replace(stored, {
      ...entry,
      kmsKeyArn: next.kmsKeyArn,
      wrapped: Buffer.from(next.blob).toString('base64'),
      rewrappedAt: new Date(),
    });
    if (replaced) {
      rewrapped.push(entry.id);
      logger.log(`Data key "${entry.id}" rewrapped from ${entry.kmsKeyArn} to ${next.kmsKeyArn}`);
    } else {
      skipped.push({ id: entry.id, reason: 'changed by someone else meanwhile; run again' });
    }
  }
  return { rewrapped, skipped };
}

/**
 * Refuses data keys from now on: values sealed with them raise
 * `RetiredKeyError` naming the key. Run it after re-encryption has moved every
 * value to newer keys. Instances that hold a retired key in memory keep using
 * it until it expires from their cache (`cache.maxAgeMs`) or they restart.
 */
export async function retireDataKeys(
  ring: KmsKeyRing,
  options: RetireOptions,
): Promise<RetireResult> {
  if (options.ids === undefined && options.createdBefore === undefined) {
    throw new ConfigurationError('retireDataKeys needs `ids` or `createdBefore`');
  }
  const all = await ring.registry.list();
  const youngest = Date.now() - ring.settings.maxAgeMs;
  const retired: string[] = [];
  const skipped = missing(all, options.ids);
  for (const stored of selected(all, options.ids)) {
    const { entry } = stored;
    if (options.createdBefore !== undefined && entry.createdAt >= options.createdBefore) continue;
    // Blind-index keys (`idx.<n>`) are retired only by name, after the indexes were rebuilt.
    if (options.ids === undefined && indexKeyVersion(entry.id) !== undefined) continue;
    if (entry.state === 'retired' && (!options.shred || entry.wrapped === undefined)) {
      skipped.push({ id: entry.id, reason: 'already retired' });
      continue;
    }
    if (options.force !== true && entry.createdAt.getTime() > youngest) {
      skipped.push({
        id: entry.id,
        reason: `younger than cache.maxAgeMs (${ring.settings.maxAgeMs} ms): an instance may still seal with it; use force`,
      });
      continue;
    }
    const { wrapped, ...kept } = entry;
    const next: DataKeyEntry = {
      ...kept,
      ...(options.shred === true || wrapped === undefined ? {} : { wrapped }),
      state: 'retired',
      retiredAt: entry.retiredAt ?? new Date(),
    };
    if (await ring.registry.replace(stored, next)) {
      retired.push(entry.id);
      logger.log(`Data key "${entry.id}" retired${options.shred === true ? ' and shredded' : ''}`);
    } else {
      skipped.push({ id: entry.id, reason: 'changed by someone else meanwhile; run again' });
    }
  }
  return { retired, skipped };
}
