import { parseEnvelope } from '../../lib/crypto/envelope-format.js';
import {
  Encrypted,
  EncryptedRepository,
  LocalKeyRing,
  RedisEntity,
  reencrypt,
} from '../../lib/index.js';
import { testKey } from '../support/keys.js';
import { cleanPrefix, testClient, testPrefix } from '../support/redis.js';
import { fakeKmsRing, startFakeKms, type FakeKmsServer } from './support/kms-fixture.js';

@RedisEntity('kr-notes')
class Note {
  id!: string;
  @Encrypted() body!: string;
}

function keyIdOf(text: string): string {
  const parsed = parseEnvelope(text);
  if ('kind' in parsed) throw new Error(`not an envelope: ${parsed.kind}`);
  return parsed.keyId;
}

describe('re-encryption onto a KMS key ring', () => {
  const raw = testClient();
  const prefix = testPrefix();
  let fake: FakeKmsServer;

  beforeAll(async () => {
    fake = await startFakeKms();
  });
  afterAll(async () => {
    await cleanPrefix(raw, prefix);
    await raw.quit();
    await fake.stop();
  });

  it('resumes in a new process (a new data key) instead of starting over, and ends with every value under the job’s data keys', async () => {
    const local = new LocalKeyRing({ keys: { k1: testKey() } });
    const before = new EncryptedRepository(Note, {
      client: raw,
      keyRing: local,
      keyPrefix: prefix,
    });
    const ids = Array.from({ length: 60 }, (_, i) => `n${i}`);
    await before.saveMany(ids.map((id) => Object.assign(new Note(), { id, body: `body ${id}` })));

    // The data was sealed locally; the KMS ring must be able to open it, so it delegates k1 for reading.
    const kmsWithLocal = (ring: ReturnType<typeof fakeKmsRing>) => {
      const decryptionKey = ring.decryptionKey.bind(ring);
      ring.decryptionKey = (id: string) =>
        id === 'k1' ? local.decryptionKey(id) : decryptionKey(id);
      return ring;
    };
    const first = kmsWithLocal(fakeKmsRing(fake, raw, prefix));
    const stop = new AbortController();
    let batches = 0;
    const interrupted = await reencrypt({
      client: raw,
      keyRing: first,
      keyPrefix: prefix,
      batchSize: 10,
      signal: stop.signal,
      onProgress: () => {
        if (++batches === 2) stop.abort();
      },
    });
    expect(interrupted.outcome).toBe('interrupted');
    first.close();

    const second = kmsWithLocal(fakeKmsRing(fake, raw, prefix));
    const resumed = await reencrypt({
      client: raw,
      keyRing: second,
      keyPrefix: prefix,
      batchSize: 10,
    });
    expect(resumed.resumed).toBe(true);
    expect(resumed.outcome).toBe('complete');
    expect(interrupted.primaryKeyId).not.toBe(resumed.primaryKeyId);
    const keyIds = new Set<string>();
    for (const id of ids) keyIds.add(keyIdOf((await raw.hget(before.keyOf(id), 'body'))!));
    expect([...keyIds].sort()).toEqual([interrupted.primaryKeyId, resumed.primaryKeyId].sort());
    const after = new EncryptedRepository(Note, {
      client: raw,
      keyRing: second,
      keyPrefix: prefix,
    });
    expect((await after.findMany(ids)).map((note) => note!.body)).toEqual(
      ids.map((id) => `body ${id}`),
    );
    second.close();
  }, 60_000);

  it('generates and registers no data key in a dry run', async () => {
    const ring = fakeKmsRing(fake, raw, prefix);
    const generated = fake.count('GenerateDataKey');
    const registryBefore = await raw.hlen(ring.registry.key);
    const report = await reencrypt({ client: raw, keyRing: ring, keyPrefix: prefix, dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(report.values.resealed + report.values.current).toBeGreaterThan(0);
    expect(fake.count('GenerateDataKey')).toBe(generated);
    expect(await raw.hlen(ring.registry.key)).toBe(registryBefore);
    ring.close();
  });
});
