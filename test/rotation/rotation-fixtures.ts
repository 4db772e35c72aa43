import { randomBytes } from 'node:crypto';
import { Type } from 'class-transformer';
import type { Redis } from 'ioredis';
import { Encrypted, LocalKeyRing, RedisEntity, type LocalKeyRingOptions } from '../../lib/index.js';
import { keysUnder } from '../support/redis.js';

export class Address {
  street!: string;
  @Encrypted() zip!: string;
}

/** An entity with sealed values at every depth: top level, nested, in arrays, inside a sealed class. */
export function personEntity(storage: 'hash' | 'json', name = `rot-people-${storage}`) {
  @RedisEntity(name, { storage })
  class Person {
    id!: string;
    name?: string;
    @Encrypted() ssn?: string;
    @Encrypted() born?: Date;
    @Encrypted({ padding: 32 }) note?: string;
    @Type(() => Address) home?: Address;
    @Type(() => Address) previous?: Address[];
    @Encrypted() @Type(() => Address) secretAddress?: Address;
  }
  return Person;
}

export type PersonClass = ReturnType<typeof personEntity>;

export function samplePerson(cls: PersonClass, id: string) {
  return Object.assign(new cls(), {
    id,
    name: `name ${id}`,
    ssn: `ssn-${id}`,
    born: new Date('1990-05-01T00:00:00.000Z'),
    note: `note ${id}`,
    home: Object.assign(new Address(), { street: 'Main St', zip: `zip-${id}` }),
    previous: [
      Object.assign(new Address(), { street: 'Old St', zip: `old-${id}` }),
      Object.assign(new Address(), { street: 'Older St', zip: `older-${id}` }),
    ],
    secretAddress: Object.assign(new Address(), { street: 'Hidden', zip: `hidden-${id}` }),
  });
}

/** Key material for a rotation from k1 to k2, and the rings of each step. */
export function rotationKeys() {
  const k1 = randomBytes(32).toString('base64');
  const k2 = randomBytes(32).toString('base64');
  return {
    k1,
    k2,
    before: { keys: { k1 } } as LocalKeyRingOptions,
    during: { keys: { k1, k2 }, primary: 'k2' } as LocalKeyRingOptions,
    after: { keys: { k2 } } as LocalKeyRingOptions,
    ring: (options: LocalKeyRingOptions) => new LocalKeyRing(options),
  };
}

/** Every sealed value stored under a prefix, found as base64url text starting like an envelope. */
export async function envelopeKeyIds(raw: Redis, prefix: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const visit = (text: string) => {
    for (const match of text.matchAll(/AQE[A-Za-z0-9_-]{40,}/g)) {
      const bytes = Buffer.from(match[0], 'base64url');
      const keyId = bytes.toString('latin1', 3, 3 + bytes[2]!);
      counts.set(keyId, (counts.get(keyId) ?? 0) + 1);
    }
  };
  for (const key of await keysUnder(raw, prefix)) {
    const type = await raw.type(key);
    if (type === 'hash') Object.values(await raw.hgetall(key)).forEach(visit);
    else if (type === 'string') visit((await raw.get(key))!);
  }
  return counts;
}

/** DUMP of every key under a prefix (bookkeeping keys included), for byte-for-byte comparisons. */
export async function dumpAll(raw: Redis, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    for (const key of keys) out.set(key, (await raw.dumpBuffer(key)).toString('base64'));
    cursor = next;
  } while (cursor !== '0');
  return out;
}
