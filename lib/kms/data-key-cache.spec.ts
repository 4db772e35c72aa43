import { randomBytes } from 'node:crypto';
import { DataKey } from '../keys/data-key.js';
import { DataKeyCache } from './data-key-cache.js';

const key = (id: string) => new DataKey(id, randomBytes(32));

describe('DataKeyCache', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000;
  });

  it('zeroes and drops a key once it reaches maxAgeMs', () => {
    const cache = new DataKeyCache(
      { maxAgeMs: 100, maxKeys: 10, evictionGraceMs: 0 },
      undefined,
      clock,
    );
    const k = key('k1');
    cache.put(k);
    now += 99;
    expect(cache.get('k1')).toBe(k);
    now += 1;
    expect(cache.get('k1')).toBeUndefined();
    expect(k.destroyed).toBe(true);
  });

  it('drops the least recently used key beyond maxKeys, never a pinned one', () => {
    const cache = new DataKeyCache(
      { maxAgeMs: 1e9, maxKeys: 2, evictionGraceMs: 0 },
      (id) => id === 'a',
      clock,
    );
    const [a, b, c] = [key('a'), key('b'), key('c')];
    cache.put(a);
    cache.put(b);
    cache.put(c);
    expect(cache.ids()).toEqual(['a', 'c']);
    expect(b.destroyed).toBe(true);
    expect(a.destroyed).toBe(false);
  });

  it('loads a missing key once for concurrent callers and forgets a failed load', async () => {
    const cache = new DataKeyCache(
      { maxAgeMs: 1e9, maxKeys: 10, evictionGraceMs: 0 },
      undefined,
      clock,
    );
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return key('k1');
    };
    const all = await Promise.all([cache.load('k1', load), cache.load('k1', load)]);
    expect(all[0]).toBe(all[1]);
    expect(loads).toBe(1);
    expect(cache.load('k1', load)).toBe(all[0]);

    const failing = () => Promise.reject(new Error('down'));
    await expect(cache.load('k2', failing)).rejects.toThrow('down');
    expect(await cache.load('k2', async () => key('k2'))).toBeInstanceOf(DataKey);
  });

  it('sweeps expired keys and zeroes everything on clear', () => {
    const cache = new DataKeyCache(
      { maxAgeMs: 100, maxKeys: 10, evictionGraceMs: 0 },
      undefined,
      clock,
    );
    const [a, b] = [key('a'), key('b')];
    cache.put(a);
    now += 50;
    cache.put(b);
    now += 60;
    expect(cache.sweep()).toBe(1);
    expect(a.destroyed).toBe(true);
    cache.clear();
    expect(b.destroyed).toBe(true);
    expect(cache.size).toBe(0);
  });

  it('keeps an evicted key intact for evictionGraceMs, never handing it out again, then zeroes it', () => {
    const cache = new DataKeyCache(
      { maxAgeMs: 100, maxKeys: 10, evictionGraceMs: 50 },
      undefined,
      clock,
    );
    const k = key('k1');
    cache.put(k);
    now += 100;
    expect(cache.get('k1')).toBeUndefined();
    expect(k.destroyed).toBe(false);
    now += 49;
    expect(cache.sweep()).toBe(0);
    now += 1;
    expect(cache.sweep()).toBe(1);
    expect(k.destroyed).toBe(true);
  });
});
