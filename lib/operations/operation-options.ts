import type { IndexedKeyspace } from '../indexes/blind-indexer.js';
import { OperationOptionsError } from '../errors/operation-options.error.js';
import type { Class } from '../metadata/declared-type.js';
import type { RedisClient } from '../repository/redis-client.js';
import { describeEntity, type EntityDescriptor } from './schema-descriptor.js';
import { readEntitySchemas } from './schema-registry.js';
import { formatTree, pathTree, type PathNode } from './sealed-path-tree.js';

/** Options shared by the re-encryption job and `status`. */
export interface ScanOptions {
  readonly client: RedisClient;
  /** Prefix of the application's keys (its `keyPrefix`). Default: `''`. */
  readonly keyPrefix?: string;
  /**
   * Entity classes to describe from their decorators. Their descriptions take
   * precedence over the schemas the module published in Redis. Default: none.
   */
  readonly entities?: readonly Class[];
  /** Walk only these keyspaces. Default: every keyspace found under the prefix. */
  readonly keyspaces?: readonly string[];
  /** Keys asked of SCAN per page, and so read and written per round trip. Default: 500. */
  readonly batchSize?: number;
  /** Stops the walk between two pages. */
  readonly signal?: AbortSignal;
  /** Problems listed in the report; more are counted only. Default: 1000. */
  readonly maxProblems?: number;
}

export const DEFAULT_BATCH_SIZE = 500;
export const DEFAULT_MAX_PROBLEMS = 1000;

export function positiveInteger(
  operation: string,
  name: string,
  value: number | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new OperationOptionsError(operation, `\`${name}\` must be a positive integer`);
  }
  return value;
}

/** Sealed-position trees by keyspace: from the given classes, else from the registry. */
export class KeyspaceTrees {
  readonly #trees = new Map<string, PathNode>();

  private constructor(readonly descriptors: ReadonlyMap<string, EntityDescriptor>) {
    for (const [keyspace, descriptor] of descriptors)
      this.#trees.set(keyspace, pathTree(descriptor));
  }

  static async load(options: ScanOptions): Promise<KeyspaceTrees> {
    const descriptors = await readEntitySchemas(options.client, options.keyPrefix ?? '');
    for (const entity of options.entities ?? []) {
      const descriptor = describeEntity(entity);
      descriptors.set(descriptor.keyspace, descriptor);
    }
    return new KeyspaceTrees(descriptors);
  }

  /** The tree of a keyspace; keyspaces without a schema are walked by envelope format. */
  tree(keyspace: string): PathNode {
    return this.#trees.get(keyspace) ?? formatTree();
  }

  /** The Redis type a keyspace's records have, when its schema is known. */
  storageOf(keyspace: string): 'hash' | 'string' | undefined {
    const storage = this.descriptors.get(keyspace)?.storage;
    return storage === undefined ? undefined : storage === 'json' ? 'string' : 'hash';
  }

  hasSchema(keyspace: string): boolean {
    return this.#trees.has(keyspace);
  }

  /** The keyspace's blind-indexed fields, when its schema lists any. */
  indexesOf(keyspace: string): IndexedKeyspace | undefined {
    const descriptor = this.descriptors.get(keyspace);
    if (descriptor === undefined || (descriptor.indexes ?? []).length === 0) return undefined;
    const fields = new Map(
      descriptor.indexes!.map((index) => [
        index.field,
        { bytes: index.bytes, normalize: index.normalize },
      ]),
    );
    return { keyspace, storage: descriptor.storage, fields };
  }
}
