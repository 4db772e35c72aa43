import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { recordScope, pathScope } from '../../lib/crypto/associated-data.js';
import { openPayload, sealPayload } from '../../lib/crypto/envelope-cipher.js';
import { isEnvelopeProblem, parseEnvelope } from '../../lib/crypto/envelope-format.js';
import {
  Encrypted,
  EncryptedRepository,
  LocalKeyRing,
  RedisEntity,
  publishEntitySchema,
  describeEntity,
  type KeyRing,
} from '../../lib/index.js';

export const KEYSPACE = 'bench-tokens';

/** A small entity: a clear owner and one sealed secret, stored as one JSON document. */
@RedisEntity(KEYSPACE, { storage: 'json' })
export class Token {
  id!: string;
  owner!: string;
  @Encrypted() secret!: string;
}

/** Two keys and a ring for each direction of a rotation between them. */
export interface RotationRings {
  /** Primary `k1`, `k2` decrypt-only. */
  readonly toK1: LocalKeyRing;
  /** Primary `k2`, `k1` decrypt-only. */
  readonly toK2: LocalKeyRing;
  close(): void;
}

export function rotationRings(): RotationRings {
  const keys = { k1: randomBytes(32).toString('base64'), k2: randomBytes(32).toString('base64') };
  const toK1 = new LocalKeyRing({ keys, primary: 'k1' });
  const toK2 = new LocalKeyRing({ keys, primary: 'k2' });
  return {
    toK1,
    toK2,
    close: () => {
      toK1.close();
      toK2.close();
    },
  };
}

export function tokenId(index: number): string {
  return `t${index}`;
}

/** Saves `count` tokens under the ring's primary key and publishes the entity's schema. */
export async function populate(
  client: Redis,
  prefix: string,
  keyRing: KeyRing,
  count: number,
): Promise<EncryptedRepository<Token>> {
  const tokens = new EncryptedRepository(Token, { client, keyRing, keyPrefix: prefix });
  await publishEntitySchema(client, prefix, describeEntity(Token));
  const batch = 1000;
  for (let start = 0; start < count; start += batch) {
    const items = Array.from({ length: Math.min(batch, count - start) }, (_, offset) =>
      Object.assign(new Token(), {
        id: tokenId(start + offset),
        owner: `owner-${start + offset}`,
        secret: `secret-${start + offset}-${randomBytes(6).toString('hex')}`,
      }),
    );
    await tokens.saveMany(items);
  }
  return tokens;
}

const SECRET_PATH = pathScope(['secret']);

/**
 * The naive rotation: one key at a time, GET the document, open its sealed
 * value, seal it under the primary key, SET it back keeping the TTL. Returns
 * the number of values re-sealed.
 */
export async function naiveRotation(
  client: Redis,
  tokens: EncryptedRepository<Token>,
  keyRing: KeyRing,
  count: number,
  signal: AbortSignal,
): Promise<number> {
  const primary = await keyRing.encryptionKey();
  let resealed = 0;
  for (let index = 0; index < count && !signal.aborted; index++) {
    const id = tokenId(index);
    const key = tokens.keyOf(id);
    const text = await client.get(key);
    if (text === null) continue;
    const doc = JSON.parse(text) as Record<string, unknown>;
    const parsed = parseEnvelope(doc.secret as string);
    if (isEnvelopeProblem(parsed) || parsed.keyId === primary.id) continue;
    const scope = recordScope(KEYSPACE, id);
    const old = await keyRing.decryptionKey(parsed.keyId);
    const payload = openPayload(parsed, old, KEYSPACE, scope, SECRET_PATH);
    if (payload === undefined) throw new Error(`token ${id} does not open`);
    doc.secret = sealPayload(primary, KEYSPACE, scope, SECRET_PATH, payload).toString('base64url');
    payload.fill(0);
    await client.set(key, JSON.stringify(doc), 'KEEPTTL');
    resealed++;
  }
  return resealed;
}
