import type { DataKey } from '../keys/data-key.js';
import type { IndexKeys } from '../keys/key-ring.interface.js';
import { wrappedKeyOf } from './data-key-entry.js';
import type { DataKeyRegistry, StoredDataKey } from './data-key-registry.js';
import type { EncryptionContext } from './encryption-context.js';
import type { KmsGateway } from './kms-gateway.js';

/** Ids of blind-index keys: `idx.1`, `idx.2`, ... (data key ids never hold a dot). */
const INDEX_KEY_ID = /^idx\.(\d+)$/;
/** How long a loaded set of index keys is used before the registry is read again. */
const REFRESH_MS = 5 * 60_000;

export function indexKeyId(version: number): string {
  return `idx.${version}`;
}

export function indexKeyVersion(id: string): number | undefined {
  const match = INDEX_KEY_ID.exec(id);
  return match === null ? undefined : Number(match[1]);
}

/** What the index keys need from their ring. */
export interface IndexKeySource {
  readonly registry: DataKeyRegistry;
  readonly kms: KmsGateway;
  readonly kmsKeyId: string;
  contextFor(dataKeyId: string): EncryptionContext;
}

/**
 * Blind-index keys of a KMS key ring, shared by every instance: data keys
 * registered under `idx.<n>`, the highest active one writing tokens. The first
 * instance to need one generates `idx.1`; the others unwrap it. Held apart
 * from the per-process data-key cache, so that eviction never zeroes a key in
 * use; a key retired in the registry is dropped (and zeroed) at the next refresh.
 */
export class KmsIndexKeys {
  readonly #held = new Map<string, DataKey>();
  #current: IndexKeys | undefined;
  #loadedAt = 0;
  #loading: Promise<IndexKeys> | undefined;

  constructor(private readonly source: IndexKeySource) {}

  get(now = Date.now()): IndexKeys | Promise<IndexKeys> {
    if (this.#current !== undefined && now - this.#loadedAt < REFRESH_MS) return this.#current;
    this.#loading ??= this.load().finally(() => (this.#loading = undefined));
    return this.#loading;
  }

  /** Registers `idx.<n+1>` so that new tokens are written under a fresh key. */
  async rotate(): Promise<string> {
    const versions = (await this.indexEntries()).map(({ entry }) => indexKeyVersion(entry.id)!);
    const id = indexKeyId(Math.max(0, ...versions) + 1);
    await this.create(id);
    this.#loadedAt = 0;
    return id;
  }

  close(): void {
    for (const key of this.#held.values()) key.destroy();
    this.#held.clear();
    this.#current = undefined;
  }

  private async load(): Promise<IndexKeys> {
    let entries = (await this.indexEntries()).filter(({ entry }) => entry.state === 'active');
    if (entries.length === 0) {
      await this.rotate();
      entries = (await this.indexEntries()).filter(({ entry }) => entry.state === 'active');
    }
    const lookup: DataKey[] = [];
    for (const { entry } of entries) {
      let key = this.#held.get(entry.id);
      const wrapped = wrappedKeyOf(entry);
      if (key === undefined && wrapped !== undefined) {
        key = await this.source.kms.unwrap(entry.id, wrapped, this.source.contextFor(entry.id));
        this.#held.set(entry.id, key);
      }
      if (key !== undefined) lookup.push(key);
    }
    const active = new Set(lookup.map((key) => key.id));
    for (const [id, key] of this.#held) {
      if (!active.has(id)) {
        key.destroy();
        this.#held.delete(id);
      }
    }
    const current = lookup.reduce((a, b) =>
      indexKeyVersion(b.id)! > indexKeyVersion(a.id)! ? b : a,
    );
    this.#current = { current, lookup };
    this.#loadedAt = Date.now();
    return this.#current;
  }

  private async indexEntries(): Promise<StoredDataKey[]> {
    return (await this.source.registry.list()).filter(
      ({ entry }) => indexKeyVersion(entry.id) !== undefined,
    );
  }

  /** Generates and registers an index key; another instance registering the same id first wins. */
  private async create(id: string): Promise<void> {
    const { key, wrapped } = await this.source.kms.generate(
      this.source.kmsKeyId,
      id,
      this.source.contextFor(id),
    );
    key.destroy();
    await this.source.registry.register({
      id,
      state: 'active',
      kmsKeyArn: wrapped.kmsKeyArn,
      wrapped: Buffer.from(wrapped.blob).toString('base64'),
      createdAt: new Date(),
    });
  }
}
