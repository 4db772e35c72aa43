import { InvalidStoredValueError } from '../errors/invalid-stored-value.error.js';
import type { ValueLocation } from '../errors/value-location.js';
import type { ClassSchema } from '../metadata/class-schema.js';
import type { RecordDecoder, RecordEncoder } from './record-codec.js';
import {
  CONTENDED,
  type CommandTarget,
  type IndexedUpdate,
  type RecordStorage,
  type ScriptedClient,
  type TtlPlan,
  type UpdateResult,
  type WriteMode,
} from './record-storage.js';

/** How many times an update re-reads a record that changed under it. */
export const UPDATE_ATTEMPTS = 16;
/** Upper bound of the random pause before the next attempt, in ms; doubles per attempt up to 64. */
const FIRST_BACKOFF_MS = 2;
const MAX_BACKOFF_MS = 64;

/** A random pause that spreads writers racing for one document apart. */
function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

/**
 * One Redis string per entity holding a JSON document; sealed fields are
 * envelope strings inside it, clear fields stay readable JSON.
 */
export class JsonStorage implements RecordStorage {
  encode(encoder: RecordEncoder, schema: ClassSchema, entity: object): string {
    return JSON.stringify(encoder.document(schema, entity, []));
  }

  write(
    target: CommandTarget,
    key: string,
    encoded: string,
    ttl: TtlPlan,
    mode: WriteMode,
  ): unknown {
    const args: (string | number)[] = [key, encoded];
    if (typeof ttl === 'number') args.push('PX', ttl);
    else if (ttl === 'keep') args.push('KEEPTTL');
    if (mode === 'insert') args.push('NX');
    return target.call('SET', ...args);
  }

  read(target: CommandTarget, key: string): unknown {
    return target.get(key);
  }

  fromReply(reply: unknown): string | undefined {
    return typeof reply === 'string' ? reply : undefined;
  }

  decode(decoder: RecordDecoder, schema: ClassSchema, stored: string): object {
    let doc: unknown;
    try {
      doc = JSON.parse(stored);
    } catch {
      doc = undefined;
    }
    return decoder.document(schema, doc, []) as object;
  }

  /** Read, merge and compare-and-set, retried while other writers win the race. */
  async update(
    client: ScriptedClient,
    key: string,
    encoder: RecordEncoder,
    schema: ClassSchema,
    changes: object,
    at: ValueLocation,
    indexed?: IndexedUpdate,
  ): Promise<UpdateResult | undefined | typeof CONTENDED> {
    const encoded = encoder.document(schema, changes, []);
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      if (attempt > 0) await backoff(attempt);
      const current = await client.get(key);
      if (current === null) return undefined;
      const next = JSON.stringify({ ...parseDocument(current, at), ...encoded });
      if (indexed === undefined) {
        if ((await client.nerCompareAndSet(key, current, next)) === 1) return { stored: next };
        continue;
      }
      const { book, references } = indexed;
      const reply = await client.nerIndexedCompareAndSet(
        key,
        book,
        current,
        next,
        String(references.length / 2),
        ...references,
      );
      if (Number(reply[0]) === 1) {
        const [, previousVersion, version, ...replaced] = reply;
        return { stored: next, index: { previousVersion, version, replaced } };
      }
    }
    return CONTENDED;
  }

  payload(encoded: string): string[] {
    return [encoded];
  }
}

function parseDocument(text: string, at: ValueLocation): object {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new InvalidStoredValueError(at, 'a JSON object');
  }
  return doc;
}
