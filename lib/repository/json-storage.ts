import { InvalidStoredValueError } from '../errors/invalid-stored-value.error.js';
import type { ValueLocation } from '../errors/value-location.js';
import type { ClassSchema } from '../metadata/class-schema.js';
import type { RecordDecoder, RecordEncoder } from './record-codec.js';
import type {
  RecordStorage,
  ScriptedClient,
  TtlPlan,
  WriteMode,
  CommandTarget,
} from './record-storage.js';

/** How many times an update re-reads a record that changed under it. */
const UPDATE_ATTEMPTS = 10;

/** Marker returned by `update` when every compare-and-set attempt lost a race. */
export const CONTENDED = Symbol('contended');

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
  ): Promise<string | undefined | typeof CONTENDED> {
    const encoded = encoder.document(schema, changes, []);
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const current = await client.get(key);
      if (current === null) return undefined;
      const next = JSON.stringify({ ...parseDocument(current, at), ...encoded });
      if ((await client.nerCompareAndSet(key, current, next)) === 1) return next;
    }
    return CONTENDED;
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
