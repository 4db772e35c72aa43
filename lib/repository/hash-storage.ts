import type { ChainableCommander } from 'ioredis';
import type { ClassSchema } from '../metadata/class-schema.js';
import type { RecordDecoder, RecordEncoder } from './record-codec.js';
import type { EncryptedRedisCommands } from './redis-client.js';
import { pairsToRecord } from './redis-client.js';
import type {
  RecordStorage,
  ScriptedClient,
  TtlPlan,
  WriteMode,
  CommandTarget,
} from './record-storage.js';

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
  ): Promise<Record<string, string> | undefined> {
    const reply = await client.nerHashUpdate(key, ...encoder.hashFields(schema, changes));
    return reply === null ? undefined : pairsToRecord(reply);
  }
}
