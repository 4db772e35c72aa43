import type { BatchFailure } from '../errors/batch-operation.error.js';
import { IntegrityError } from '../errors/integrity.error.js';
import type { KeyRing } from '../keys/key-ring.interface.js';
import type { EntitySchema } from '../metadata/entity-schema.js';
import { OperationKeys } from './operation-keys.js';
import { RecordDecoder, type LegacyPlaintextPolicy } from './record-codec.js';
import type { RecordStorage } from './record-storage.js';
import { perKey } from './redis-batch.js';
import type { RedisClient } from './redis-client.js';
import { scopeOf } from './repository-steps.js';

/** The entities of a batch read in input order (`null` where absent, `undefined` where failed). */
export interface ReadBatch<T> {
  readonly results: (T | null | undefined)[];
  readonly failures: BatchFailure[];
}

/** Reads and opens the records of one repository. */
export class RecordReader<T extends object> {
  constructor(
    private readonly entity: EntitySchema<T>,
    private readonly client: RedisClient,
    private readonly storage: RecordStorage,
    private readonly keyRing: KeyRing,
    private readonly legacyPlaintext: LegacyPlaintextPolicy,
  ) {}

  /** One record, opened; `null` when absent (nothing is decrypted then). */
  async read(id: string, key: string): Promise<T | null> {
    const stored = this.storage.fromReply(await this.storage.read(this.client, key));
    return stored === undefined ? null : this.decode(id, stored, new OperationKeys(this.keyRing));
  }

  /** Several records in one round trip per node; each failure is kept with its position. */
  async readMany(
    items: readonly { index: number; id: string; key: string }[],
    size: number,
  ): Promise<ReadBatch<T>> {
    const replies = await perKey(
      this.client,
      items.map((item) => item.key),
      (pipeline, key) => this.storage.read(pipeline, key),
    );
    const results: (T | null | undefined)[] = new Array<undefined>(size).fill(undefined);
    const failures: BatchFailure[] = [];
    const keys = new OperationKeys(this.keyRing);
    for (const [position, [error, reply]] of replies.entries()) {
      const { index, id } = items[position]!;
      try {
        if (error !== null) throw error;
        const stored = this.storage.fromReply(reply);
        results[index] = stored === undefined ? null : await this.decode(id, stored, keys);
      } catch (failure) {
        failures.push({ index, id, error: failure as Error });
      }
    }
    return { results, failures };
  }

  /** Opens a stored record; synchronous unless a key must be fetched. */
  decode(id: string, stored: unknown, keys: OperationKeys): T | Promise<T> {
    const entity = keys.run(
      (operationKeys) =>
        this.storage.decode(
          new RecordDecoder(scopeOf(this.entity, id), operationKeys, this.legacyPlaintext),
          this.entity.schema,
          stored,
        ) as T,
    );
    return entity instanceof Promise
      ? entity.then((done) => this.withId(done, id))
      : this.withId(entity, id);
  }

  /**
   * Sets the id from the key when the record holds none, and refuses a record
   * whose stored id names another entity: its sealed fields open only for
   * the id in the key, so returning another id would misattribute them.
   */
  private withId(entity: T, id: string): T {
    const property = this.entity.idProperty;
    const record = entity as Record<string, unknown>;
    const stored = record[property];
    if (stored === undefined) {
      record[property] = id;
    } else if (
      (typeof stored !== 'string' && typeof stored !== 'number') ||
      String(stored) !== id
    ) {
      throw new IntegrityError(
        { entity: this.entity.schema.name, id, field: property },
        'the stored id differs from the id in the key',
      );
    }
    return entity;
  }
}
