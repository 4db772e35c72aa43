import { randomBytes } from 'node:crypto';
import { Type } from 'class-transformer';
import { DataKey, Encrypted, LocalKeyRing, RedisEntity, type KeyRing } from '../../lib/index.js';
import { startFixtureApp, type FixtureApp } from '../support/fixture-app.js';
import { testKey } from '../support/keys.js';

/** A key ring that counts decryption key lookups. */
class CountingKeyRing implements KeyRing {
  decryptions = 0;
  private readonly ring = new LocalKeyRing({ keys: { k1: testKey() } });
  encryptionKey(): DataKey {
    return this.ring.encryptionKey();
  }
  decryptionKey(id: string): DataKey {
    this.decryptions++;
    return this.ring.decryptionKey(id);
  }
  describe() {
    return this.ring.describe();
  }
}

function entities(storage: 'hash' | 'json') {
  @RedisEntity(`r-blobs-${storage}`, { storage })
  class Blob {
    id!: string;
    @Encrypted() bytes?: Buffer;
    @Encrypted() text?: string;
    @Type(() => Buffer) clearBytes?: Buffer;
  }
  @RedisEntity(`r-sessions-${storage}`, { storage })
  class Session {
    id!: string;
    user!: string;
    @Encrypted() token!: string;
  }
  return { Blob, Session };
}

/** A random string over the whole code point range, lone surrogates included. */
function randomText(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    const roll = Math.random();
    if (roll < 0.05) out += String.fromCharCode(0xd800 + Math.floor(Math.random() * 0x800));
    else if (roll < 0.2) out += String.fromCodePoint(0x10000 + Math.floor(Math.random() * 0xfffff));
    else out += String.fromCharCode(Math.floor(Math.random() * 0xd800));
  }
  return out;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(['hash', 'json'] as const)('repository field cases with %s storage', (storage) => {
  const { Blob, Session } = entities(storage);
  let app: FixtureApp;
  let ring: CountingKeyRing;

  beforeAll(async () => {
    ring = new CountingKeyRing();
    app = await startFixtureApp([Blob, Session], { keys: undefined, keyRing: ring });
  });
  afterAll(() => app.close());

  it('F08 returns null for an id that does not exist, without attempting any decryption', async () => {
    ring.decryptions = 0;
    expect(await app.repository(Session).findById('no-such-id')).toBeNull();
    expect(await app.repository(Session).findMany(['nope-1', 'nope-2'])).toEqual([null, null]);
    expect(ring.decryptions).toBe(0);
    // The same ring counts the lookup of an id that exists: the zero above is not vacuous.
    await app
      .repository(Session)
      .save(Object.assign(new Session(), { id: 's-f08', user: 'u', token: 't' }));
    expect((await app.repository(Session).findById('s-f08'))!.token).toBe('t');
    expect(ring.decryptions).toBeGreaterThan(0);
  });

  it('F09 opens 1,000 random values byte for byte, including bytes that are not UTF-8', async () => {
    const blobs = app.repository(Blob);
    const saved = Array.from({ length: 1000 }, (_, index) =>
      Object.assign(new Blob(), {
        id: `b${index}`,
        bytes: randomBytes(Math.floor(Math.random() * 64)),
        text: randomText(Math.floor(Math.random() * 40)),
        clearBytes: randomBytes(Math.floor(Math.random() * 32)),
      }),
    );
    for (let i = 0; i < saved.length; i += 100) await blobs.saveMany(saved.slice(i, i + 100));
    const back = await blobs.findMany(saved.map((blob) => blob.id));
    back.forEach((blob, index) => {
      const expected = saved[index]!;
      expect(Buffer.isBuffer(blob!.bytes) && blob!.bytes.equals(expected.bytes)).toBe(true);
      expect(
        Buffer.isBuffer(blob!.clearBytes) && blob!.clearBytes.equals(expected.clearBytes),
      ).toBe(true);
      expect(blob!.text).toBe(expected.text);
    });
  });

  it('F10 keeps the remaining time to live through an update, and no expiry stays none', async () => {
    const sessions = app.repository(Session);
    await sessions.save(Object.assign(new Session(), { id: 's-ttl', user: 'u', token: 't1' }), {
      ttl: 600,
    });
    await sessions.save(Object.assign(new Session(), { id: 's-none', user: 'u', token: 't1' }));
    await sleep(2000);
    await sessions.update('s-ttl', { token: 't2' });
    await sessions.update('s-none', { token: 't2' });
    const pttl = await app.raw.pttl(sessions.keyOf('s-ttl'));
    expect(pttl).toBeGreaterThan(596_000);
    expect(pttl).toBeLessThanOrEqual(598_100);
    expect(await app.raw.pttl(sessions.keyOf('s-none'))).toBe(-1);
    expect((await sessions.findById('s-ttl'))!.token).toBe('t2');
  });
});
