import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { KeyConfigurationError } from '../errors/key-configuration.error.js';
import { RetiredKeyError } from '../errors/retired-key.error.js';
import { UnknownKeyError } from '../errors/unknown-key.error.js';
import { DataKey } from './data-key.js';
import { generateKey } from './generate-key.js';
import { localKeysFromEnv } from './key-ring-from-env.js';
import { LocalKeyRing } from './local-key-ring.js';

const k = () => randomBytes(32).toString('base64');

function configurationError(build: () => unknown): KeyConfigurationError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(KeyConfigurationError);
    return error as KeyConfigurationError;
  }
  throw new Error('expected a KeyConfigurationError');
}

describe('LocalKeyRing', () => {
  it('refuses a 31-byte key, naming the key and 32 bytes but never the key bytes', () => {
    const short = randomBytes(31).toString('base64');
    const error = configurationError(() => new LocalKeyRing({ keys: { k1: short } }));
    expect(error.code).toBe('ERR_KEY_CONFIGURATION');
    expect(error.message).toContain('"k1"');
    expect(error.message).toContain('32 bytes');
    expect(error.message).not.toContain(short);
    expect(error.keyId).toBe('k1');
  });

  it('refuses a key id configured twice', () => {
    const error = configurationError(
      () =>
        new LocalKeyRing({
          keys: [
            { id: 'k1', key: k() },
            { id: 'k1', key: k() },
          ],
        }),
    );
    expect(error.message).toContain('"k1" is configured twice');
  });

  it('refuses the same key bytes under two ids', () => {
    const same = k();
    expect(
      configurationError(() => new LocalKeyRing({ keys: { k1: same, k2: same } })).message,
    ).toContain('k1');
  });

  it('refuses several keys without a primary', () => {
    expect(
      configurationError(() => new LocalKeyRing({ keys: { k1: k(), k2: k() } })).message,
    ).toContain('primary');
  });

  it('refuses a primary that is not configured, naming it', () => {
    expect(
      configurationError(() => new LocalKeyRing({ keys: { k1: k() }, primary: 'k9' })).message,
    ).toContain('"k9"');
  });

  it('refuses an empty ring', () => {
    expect(configurationError(() => new LocalKeyRing({ keys: {} })).message).toContain(
      'keys generate',
    );
  });

  it('refuses text that is not base64', () => {
    expect(configurationError(() => new LocalKeyRing({ keys: { k1: 'not base64!' } })).keyId).toBe(
      'k1',
    );
  });

  it('refuses an invalid key id', () => {
    configurationError(() => new LocalKeyRing({ keys: { 'bad id': k() } }));
  });

  it('seals with the primary and opens with every decrypt-only key', () => {
    const ring = new LocalKeyRing({ keys: { k1: k(), k2: k() }, primary: 'k2' });
    expect(ring.encryptionKey().id).toBe('k2');
    expect(ring.decryptionKey('k1').id).toBe('k1');
    expect(ring.describe()).toEqual([
      { id: 'k1', state: 'decrypt-only' },
      { id: 'k2', state: 'primary' },
    ]);
  });

  it('refuses a retired key with RetiredKeyError and an absent one with UnknownKeyError', () => {
    const ring = new LocalKeyRing({ keys: { k2: k() }, retired: ['k1'] });
    expect(() => ring.decryptionKey('k1')).toThrow(RetiredKeyError);
    expect(() => ring.decryptionKey('k0')).toThrow(UnknownKeyError);
    expect(() => ring.decryptionKey('k0')).toThrow(/"k0"/);
  });

  it('adds, promotes and retires keys at run time', () => {
    const ring = new LocalKeyRing({ keys: { k1: k() } });
    ring.addKey('k2', k());
    expect(ring.encryptionKey().id).toBe('k1');
    ring.promote('k2');
    expect(ring.encryptionKey().id).toBe('k2');
    ring.retire('k1');
    expect(() => ring.decryptionKey('k1')).toThrow(RetiredKeyError);
    expect(() => ring.retire('k2')).toThrow(/primary/);
    expect(() => ring.promote('k1')).toThrow(/retired/);
  });

  it('never shows key bytes through toString, JSON or inspect', () => {
    const material = randomBytes(32);
    const key = new DataKey('k1', material);
    const shown = [
      String(key),
      JSON.stringify(key),
      inspect(key),
      inspect({ key }, { depth: 5 }),
    ].join(' ');
    expect(shown).not.toContain(material.toString('base64'));
    expect(shown).not.toContain(material.toString('hex'));
    expect(shown).toContain('k1');
  });

  it('copies exactly the bytes of a view into a larger buffer', () => {
    const pool = randomBytes(96);
    const view = pool.subarray(32, 64);
    const fromView = new DataKey('k1', view);
    const fromCopy = new DataKey('k2', Buffer.from(view));
    expect(fromView.sameMaterialAs(fromCopy)).toBe(true);
  });

  it('zeroes derived subkeys when destroyed', () => {
    const key = new DataKey('k1', randomBytes(32));
    const subkey = key.derive('info');
    key.destroy();
    expect(subkey.equals(Buffer.alloc(32))).toBe(true);
    expect(() => key.derive('other')).toThrow(KeyConfigurationError);
  });
});

describe('localKeysFromEnv', () => {
  it('reads id:key pairs, the primary and retired ids', () => {
    const a = generateKey('k1');
    const b = generateKey('k2');
    const options = localKeysFromEnv({
      ENCRYPTED_REDIS_KEYS: `${a.id}:${a.key}, ${b.id}:${b.key}`,
      ENCRYPTED_REDIS_PRIMARY_KEY: 'k2',
      ENCRYPTED_REDIS_RETIRED_KEYS: 'k0',
    });
    const ring = new LocalKeyRing(options);
    expect(ring.primaryKeyId).toBe('k2');
    expect(() => ring.decryptionKey('k0')).toThrow(RetiredKeyError);
  });

  it('says how to get a key when none is set', () => {
    expect(() => localKeysFromEnv({})).toThrow(/ENCRYPTED_REDIS_KEYS/);
  });

  it('refuses an entry without an id', () => {
    expect(() => localKeysFromEnv({ ENCRYPTED_REDIS_KEYS: k() })).toThrow(/id:base64key/);
  });
});

describe('generateKey', () => {
  it('makes 32 random bytes under a short id', () => {
    const key = generateKey();
    expect(Buffer.from(key.key, 'base64')).toHaveLength(32);
    expect(key.id).toMatch(/^k[0-9a-f]{4}$/);
    expect(generateKey().key).not.toBe(key.key);
  });
});
