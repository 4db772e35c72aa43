import type { ChainableCommander } from 'ioredis';
import type { ValueLocation } from '../errors/value-location.js';
import type { ClassSchema } from '../metadata/class-schema.js';
import type {
  CommandTarget,
  IndexedUpdate,
  RecordStorage,
  ScriptedClient,
  TtlPlan,
  UpdateResult,
  WriteMode,
} from './record-storage.js';
import type { RecordDecoder, RecordEncoder } from './record-codec.js';
import { pairsToRecord, type EncryptedRedisCommands } from './redis-client.js';

type Scripted = ChainableCommander & EncryptedRedisCommands;

/**
 * One Redis hash per entity, one hash field per property; each sealed field
 * is its own envelope, so updating one field rewrites only that field.
 */
export class HashStorage implements RecordStorage {
  encode(encoder: RecordEncoder, schema: ClassSchema, entity: object): string[] {
    return encoder.hashFields(schema, entity);
  }

  write(
    target: CommandTarget,
    key: string,
    encoded: string[],
    ttl: TtlPlan,
    mode: WriteMode,
  ): unknown {
    return (target as Scripted).nerHashWrite(key, mode, String(ttl), ...encoded);
  }

  read(target: CommandTarget, key: string): unknown {
    return target.hgetall(key);
  }

  fromReply(reply: unknown): Record<string, string> | undefined {
    const fields = reply as Record<string, string> | null;
    return fields === null || Object.keys(fields).length === 0 ? undefined : fields;
  }

  decode(decoder: RecordDecoder, schema: ClassSchema, stored: Record<string, string>): object {
    return decoder.hash(schema, stored) as object;
  }

  async update(
    client: ScriptedClient,
    key: string,
    encoder: RecordEncoder,
    schema: ClassSchema,
    changes: object,
    _at: ValueLocation,
    indexed?: IndexedUpdate,
  ): Promise<UpdateResult | undefined> {
    const fields = encoder.hashFields(schema, changes);
    if (indexed === undefined) {
      const reply = await client.nerHashUpdate(key, ...fields);
      return reply === null ? undefined : { stored: pairsToRecord(reply) };
    }
    const { book, references } = indexed;
    const reply = await client.nerIndexedHashUpdate(
      key,
      book,
      String(references.length / 2),
      ...references,
      ...fields,
    );
    if (reply === null) return undefined;
    const [stored, [previousVersion, version], replaced] = reply;
    return { stored: pairsToRecord(stored), index: { previousVersion, version, replaced } };
  }

  payload(encoded: string[]): string[] {
    return encoded;
  }
}
