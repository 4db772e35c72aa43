import { jest } from '@jest/globals';
import type { Redis } from 'ioredis';
import {
  BatchOperationError,
  ENCRYPTED_REDIS_CLIENT as CLIENT,
  Encrypted,
  EntityExistsError,
  EntityNotFoundError,
  IntegrityError,
  InvalidIdError,
  RedisEntity,
  UnsupportedValueError,
} from '../lib/index.js';
import { startFixtureApp, type FixtureApp } from './support/fixture-app.js';
import { rejectionOf } from './support/rejection.js';
import { readStoredField, writeStoredField } from './support/tamper.js';

function entity(storage: 'hash' | 'json') {
  @RedisEntity(`repo-accounts-${storage}`, { storage })
  class Account {
    id!: string;
    owner!: string;
    @Encrypted() iban!: string;
    @Encrypted() balance?: number;
  }
  @RedisEntity(`repo-tokens-${storage}`, { storage, ttl: 60 })
  class Token {
    id!: string;
    @Encrypted() value!: string;
  }
  return { Account, Token };
}

describe.each(['hash', 'json'] as const)('EncryptedRepository with %s storage', (storage) => {
  const { Account, Token } = entity(storage);
  let app: FixtureApp;
  const account = (id: string, iban = `IBAN-${id}`) =>
    Object.assign(new Account(), { id, owner: `owner of ${id}`, iban, balance: 10 });

  beforeAll(async () => {
    app = await startFixtureApp([Account, Token]);
  });
  afterAll(() => app.close());

  it('saves, finds, checks and deletes an entity', async () => {
    const accounts = app.repository(Account);
    expect(await accounts.save(account('a1'))).toEqual(account('a1'));
    expect(await accounts.exists('a1')).toBe(true);
    expect(await accounts.findById('a1')).toEqual(account('a1'));
    expect(await accounts.delete('a1')).toBe(true);
    expect(await accounts.delete('a1')).toBe(false);
    expect(await accounts.exists('a1')).toBe(false);
    expect(await accounts.findById('a1')).toBeNull();
  });

  it('replaces the whole entity on save, dropping properties that are gone', async () => {
    const accounts = app.repository(Account);
    await accounts.save(account('a2'));
    await accounts.save(Object.assign(new Account(), { id: 'a2', owner: 'new', iban: 'X' }));
    const back = await accounts.findById('a2');
    expect(back).toEqual(Object.assign(new Account(), { id: 'a2', owner: 'new', iban: 'X' }));
    expect('balance' in back!).toBe(false);
  });

  it('refuses to insert over an existing id and leaves it unchanged', async () => {
    const accounts = app.repository(Account);
    await accounts.insert(account('a3'));
    const error = await rejectionOf(accounts.insert(account('a3', 'OTHER')));
    expect(error).toBeInstanceOf(EntityExistsError);
    expect((await accounts.findById('a3'))!.iban).toBe('IBAN-a3');
  });

  it('updates only the given fields, leaving the other sealed values byte for byte', async () => {
    const accounts = app.repository(Account);
    await accounts.save(account('a4'));
    const ibanBefore = await readStoredField(app.raw, accounts, 'a4', 'iban');
    const updated = await accounts.update('a4', { balance: 99, owner: undefined });
    expect(updated).toEqual(Object.assign(account('a4'), { balance: 99 }));
    expect(await readStoredField(app.raw, accounts, 'a4', 'iban')).toBe(ibanBefore);
  });

  it('refuses to update a missing entity or to change the id', async () => {
    const accounts = app.repository(Account);
    expect(await rejectionOf(accounts.update('missing', { balance: 1 }))).toBeInstanceOf(
      EntityNotFoundError,
    );
    expect(await accounts.exists('missing')).toBe(false);
    await accounts.save(account('a5'));
    expect(await rejectionOf(accounts.update('a5', { id: 'other' }))).toBeInstanceOf(
      UnsupportedValueError,
    );
  });

  it('finds many entities in one round trip, in order, null where missing', async () => {
    const accounts = app.repository(Account);
    await accounts.saveMany([account('m1'), account('m2')]);
    const pipeline = jest.spyOn(app.module.get<Redis>(CLIENT), 'pipeline');
    expect(await accounts.findMany(['m2', 'nobody', 'm1'])).toEqual([
      account('m2'),
      null,
      account('m1'),
    ]);
    expect(pipeline).toHaveBeenCalledTimes(1);
    pipeline.mockRestore();
  });

  it('reports which item of findMany failed and still returns the others', async () => {
    const accounts = app.repository(Account);
    await accounts.saveMany([account('f1'), account('f2')]);
    await writeStoredField(
      app.raw,
      accounts,
      'f2',
      'iban',
      await readStoredField(app.raw, accounts, 'f1', 'iban'),
    );
    const error = (await rejectionOf(
      accounts.findMany(['f1', 'f2', '']),
    )) as unknown as BatchOperationError;
    expect(error).toBeInstanceOf(BatchOperationError);
    expect(error.failures.map((failure) => [failure.index, failure.error.constructor])).toEqual([
      [1, IntegrityError],
      [2, InvalidIdError],
    ]);
    expect(error.results[0]).toEqual(account('f1'));
  });

  it('writes nothing from saveMany when one entity cannot be sealed, naming it', async () => {
    const accounts = app.repository(Account);
    const bad = Object.assign(account('s2'), {
      balance: 'ten' as unknown as number,
      extra: new Date(),
    });
    const error = (await rejectionOf(
      accounts.saveMany([account('s1'), bad]),
    )) as unknown as BatchOperationError;
    expect(error).toBeInstanceOf(BatchOperationError);
    expect(error.failures).toHaveLength(1);
    expect(error.failures[0]).toMatchObject({ index: 1, id: 's2' });
    expect(await accounts.exists('s1')).toBe(false);
  });

  it('deletes many entities and counts those that existed', async () => {
    const accounts = app.repository(Account);
    await accounts.saveMany([account('d1'), account('d2')]);
    expect(await accounts.deleteMany(['d1', 'd2', 'd3'])).toBe(2);
  });

  it('applies the entity ttl by default, an explicit ttl, and 0 for no expiry', async () => {
    const tokens = app.repository(Token);
    await tokens.save({ id: 't1', value: 'v' });
    expect(await app.raw.ttl(tokens.keyOf('t1'))).toBe(60);
    await tokens.save({ id: 't1', value: 'v' }, { ttl: 5 });
    expect(await app.raw.ttl(tokens.keyOf('t1'))).toBe(5);
    await tokens.save({ id: 't1', value: 'v' }, { ttl: 0 });
    expect(await app.raw.ttl(tokens.keyOf('t1'))).toBe(-1);
    await expect(tokens.save({ id: 't1', value: 'v' }, { ttl: -1 })).rejects.toBeInstanceOf(
      UnsupportedValueError,
    );
    await tokens.delete('t-huge');
    await expect(tokens.save({ id: 't-huge', value: 'v' }, { ttl: 1e20 })).rejects.toBeInstanceOf(
      UnsupportedValueError,
    );
    expect(await tokens.exists('t-huge')).toBe(false);
  });

  it('keeps an existing expiry when an entity without a default ttl is saved again', async () => {
    const accounts = app.repository(Account);
    await accounts.save(account('k1'), { ttl: 100 });
    await accounts.save(account('k1'));
    expect(await app.raw.ttl(accounts.keyOf('k1'))).toBeGreaterThan(90);
  });

  it.each([
    ['braces', 'a{b}c'],
    ['a percent sign', '50%{'],
    ['non-ASCII characters', 'patiënt-日本-🩺'],
    ['colons', 'tenant:42:user'],
    ['a numeric id', 42],
  ])('stores ids with %s under their own hash tag', async (_name, id) => {
    const accounts = app.repository(Account);
    await accounts.save(Object.assign(account(String(id)), { id }));
    const key = accounts.keyOf(id);
    expect(key.startsWith(`${app.prefix}repo-accounts-${storage}:{`)).toBe(true);
    expect(key.slice(key.indexOf('{') + 1, -1)).not.toMatch(/[{}]/);
    expect((await accounts.findById(id))!.iban).toBe(`IBAN-${id}`);
  });

  it.each([
    ['an empty id', ''],
    ['a fractional id', 1.5],
    ['an object', {}],
    ['an unpaired surrogate', 'a\ud800'],
  ])('refuses %s with InvalidIdError', async (_name, id) => {
    const accounts = app.repository(Account);
    await expect(accounts.findById(id as string)).rejects.toBeInstanceOf(InvalidIdError);
    await expect(accounts.save(Object.assign(account('x'), { id }))).rejects.toBeInstanceOf(
      InvalidIdError,
    );
  });
});
