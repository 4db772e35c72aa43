import { cachedPathScope, recordScope } from '../crypto/associated-data.js';
import { openPayload } from '../crypto/envelope-cipher.js';
import { isEnvelopeProblem, parseEnvelope } from '../crypto/envelope-format.js';
import { decodeTagged, splitPayload } from '../crypto/value-codec.js';
import { KeyUnavailableError } from '../errors/key-unavailable.error.js';
import type { KeyRing } from '../keys/key-ring.interface.js';
import { perKey } from '../repository/redis-batch.js';
import type { EncryptedRedisCommands, RedisClient } from '../repository/redis-client.js';
import { entityKey } from '../repository/redis-keys.js';
import {
  BlindIndexer,
  referenceMap,
  type IndexChange,
  type IndexedKeyspace,
} from './blind-indexer.js';

type Scripted = RedisClient & EncryptedRedisCommands;

/** What a rebuild did to a batch of entities. */
export interface IndexRebuildCounts {
  /** Entities looked at. */
  checked: number;
  /** Entities whose references were rewritten under the current index key. */
  rebuilt: number;
  /** Entities that changed while being looked at; their writer indexed them. */
  changedConcurrently: number;
  /** Entities with an indexed value that did not open; left as they were. */
  unopenable: number;
}

interface Reading {
  readonly id: string;
  readonly key: string;
  /** Stored text per indexed field (hash), or the whole document (JSON). */
  readonly texts: readonly (string | null)[];
  readonly document: string | null;
  readonly book: Map<string, string>;
}

/**
 * Rewrites the blind-index references of entities under the ring's current
 * index key, after a rotation: each indexed value is opened, its token
 * computed again, and the references replaced only if the entity still holds
 * what was read (otherwise its own writer indexed it already).
 */
export class IndexRebuilder {
  private readonly indexer: BlindIndexer;
  private readonly fields: string[];

  constructor(
    private readonly client: Scripted,
    private readonly keyPrefix: string,
    private readonly target: IndexedKeyspace,
    private readonly keyRing: KeyRing,
  ) {
    this.indexer = new BlindIndexer(target, keyPrefix, client);
    this.fields = [...target.fields.keys()];
  }

  async rebuild(ids: readonly string[], counts: IndexRebuildCounts): Promise<void> {
    if (ids.length === 0 || !this.indexer.enabled || this.keyRing.indexKeys === undefined) return;
    const current = (await this.keyRing.indexKeys()).current;
    const changes: IndexChange[] = [];
    for (const reading of await this.read(ids)) {
      counts.checked++;
      const values = await this.open(reading);
      if (values === undefined) {
        counts.unopenable++;
        continue;
      }
      const wanted = this.fields.flatMap((field, i) => [
        field,
        this.indexer.reference(current, field, values[i]),
      ]);
      if (
        wanted.every((item, i) => i % 2 === 0 || (reading.book.get(wanted[i - 1]!) ?? '') === item)
      )
        continue;
      const args = this.fields.flatMap((field, i) => [
        field,
        reading.texts[i] ?? '',
        wanted[2 * i + 1]!,
      ]);
      const reply = await this.client.nerIndexRefresh(
        reading.key,
        this.indexer.bookkeepingKey(reading.key),
        this.target.storage,
        reading.document ?? '',
        String(this.fields.length),
        ...args,
      );
      if (Number(reply[0]) !== 1) {
        counts.changedConcurrently++;
        continue;
      }
      const [, previousVersion, version, ...replaced] = reply;
      changes.push(
        this.indexer.change(reading.id, wanted, { previousVersion, version, replaced }, false),
      );
      counts.rebuilt++;
    }
    await this.indexer.apply(changes);
  }

  private async read(ids: readonly string[]): Promise<Reading[]> {
    const keys = ids.map((id) => entityKey(this.keyPrefix, this.target.keyspace, id));
    const json = this.target.storage === 'json';
    const stored = await perKey(this.client, keys, (pipeline, key) =>
      json ? void pipeline.get(key) : void pipeline.hmget(key, ...this.fields),
    );
    const books = await perKey(
      this.client,
      keys,
      (pipeline, key) => void pipeline.hgetall(this.indexer.bookkeepingKey(key)),
    );
    return ids.flatMap((id, index) => {
      const [error, reply] = stored[index]!;
      const [bookError, book] = books[index]!;
      if (error !== null) throw error;
      if (bookError !== null) throw bookError;
      if (reply === null) return [];
      const document = json ? (reply as string) : null;
      const texts = json ? this.fieldsOfDocument(document!) : (reply as (string | null)[]);
      return [
        {
          id,
          key: keys[index]!,
          texts,
          document,
          book: referenceMap(Object.entries(book as object).flat()),
        },
      ];
    });
  }

  private fieldsOfDocument(document: string): (string | null)[] {
    let parsed: unknown;
    try {
      parsed = JSON.parse(document);
    } catch {
      parsed = {};
    }
    return this.fields.map((field) => {
      const value = (parsed as Record<string, unknown>)[field];
      return typeof value === 'string' ? value : null;
    });
  }

  /** The indexed values of an entity, or `undefined` when one does not open. */
  private async open(reading: Reading): Promise<unknown[] | undefined> {
    const scope = recordScope(this.target.keyspace, reading.id);
    const values: unknown[] = [];
    for (const [i, field] of this.fields.entries()) {
      const text = reading.texts[i];
      if (text === null || text === undefined) {
        values.push(undefined);
        continue;
      }
      const parsed = parseEnvelope(text);
      if (isEnvelopeProblem(parsed)) return undefined;
      let key;
      try {
        key = await this.keyRing.decryptionKey(parsed.keyId);
      } catch (error) {
        if (error instanceof KeyUnavailableError) throw error;
        return undefined;
      }
      const payload = openPayload(
        parsed,
        key,
        this.target.keyspace,
        scope,
        cachedPathScope([field]),
      );
      if (payload === undefined) return undefined;
      try {
        const { tag, body } = splitPayload(payload);
        values.push(decodeTagged(tag, body));
      } catch {
        return undefined;
      } finally {
        payload.fill(0);
      }
    }
    return values;
  }
}
