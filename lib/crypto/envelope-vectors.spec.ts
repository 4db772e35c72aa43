import { createCipheriv, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DataKey } from '../keys/data-key.js';
import { pathScope, recordScope } from './associated-data.js';
import { openPayload, sealPayload } from './envelope-cipher.js';
import { isEnvelopeProblem, parseEnvelope } from './envelope-format.js';
import { decodeTagged, splitPayload } from './value-codec.js';

interface Vector {
  name: string;
  keyId: string;
  keyspace: string;
  id: string;
  path: (string | number)[];
  value: unknown;
  nonce: string;
  payload: string;
  aad: string;
  envelope: string;
}

function readVectors(): { key: string; vectors: Vector[] } {
  const doc = readFileSync(new URL('../../docs/envelope.md', import.meta.url), 'utf8');
  const block = /## Test vectors[\s\S]*?```json\n([\s\S]*?)```/.exec(doc);
  if (!block) throw new Error('docs/envelope.md has no test vector block');
  return JSON.parse(block[1]!) as { key: string; vectors: Vector[] };
}

function expectedValue(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && '$date' in value) {
    return new Date((value as { $date: string }).$date);
  }
  if (value !== null && typeof value === 'object' && '$bytes' in value) {
    return Buffer.from((value as { $bytes: string }).$bytes, 'hex');
  }
  return value;
}

const { key, vectors } = readVectors();
const keyBytes = Buffer.from(key, 'hex');

describe('envelope test vectors in docs/envelope.md', () => {
  it('lists vectors', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(8);
  });

  describe.each(vectors.map((vector) => [vector.name, vector] as const))('%s', (_name, vector) => {
    const nonce = Buffer.from(vector.nonce, 'hex');
    const payload = Buffer.from(vector.payload, 'hex');

    it('is reproduced by plain node:crypto: HKDF subkey, AES-256-GCM over the documented associated data', () => {
      const subkey = Buffer.from(
        hkdfSync(
          'sha256',
          keyBytes,
          'nest-encrypted-redis',
          `nest-encrypted-redis/v1/aes-256-gcm/${vector.keyspace}`,
          32,
        ),
      );
      const keyId = Buffer.from(vector.keyId, 'ascii');
      const header = Buffer.concat([Buffer.from([1, 1, keyId.length]), keyId]);
      const aad = Buffer.concat([
        header,
        recordScope(vector.keyspace, vector.id),
        pathScope(vector.path),
      ]);
      expect(aad.toString('hex')).toBe(vector.aad);
      const cipher = createCipheriv('aes-256-gcm', subkey, nonce, { authTagLength: 16 });
      cipher.setAAD(aad);
      const body = Buffer.concat([cipher.update(payload), cipher.final()]);
      const envelope = Buffer.concat([header, nonce, body, cipher.getAuthTag()]);
      expect(envelope.toString('base64url')).toBe(vector.envelope);
    });

    it('is produced by the library with the same nonce', () => {
      const dataKey = new DataKey(vector.keyId, keyBytes);
      const sealed = sealPayload(
        dataKey,
        vector.keyspace,
        recordScope(vector.keyspace, vector.id),
        pathScope(vector.path),
        payload,
        nonce,
      );
      expect(sealed.toString('base64url')).toBe(vector.envelope);
    });

    it('opens with the library to the documented value', () => {
      const parsed = parseEnvelope(vector.envelope);
      if (isEnvelopeProblem(parsed)) throw new Error(`vector does not parse: ${parsed.kind}`);
      expect(parsed.keyId).toBe(vector.keyId);
      const opened = openPayload(
        parsed,
        new DataKey(vector.keyId, keyBytes),
        vector.keyspace,
        recordScope(vector.keyspace, vector.id),
        pathScope(vector.path),
      );
      expect(opened?.toString('hex')).toBe(vector.payload);
      const { tag, body } = splitPayload(opened!);
      expect(decodeTagged(tag, body)).toEqual(expectedValue(vector.value));
    });
  });
});
