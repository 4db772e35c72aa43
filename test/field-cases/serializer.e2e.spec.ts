import { Type } from 'class-transformer';
import {
  Encrypted,
  EntityDefinitionError,
  RedisEntity,
  UnsupportedValueError,
} from '../../lib/index.js';
import { startFixtureApp, type FixtureApp } from '../support/fixture-app.js';
import { rejectionOf } from '../support/rejection.js';

class Address {
  street!: string;
  @Encrypted() zip!: string;
  @Type(() => Date) since!: Date;
}

function entities(storage: 'hash' | 'json') {
  @RedisEntity(`s-profiles-${storage}`, { storage })
  class Profile {
    id!: string;
    @Encrypted() ssn?: string | null;
    @Encrypted() note?: string;
    @Encrypted() nick?: string;
    @Encrypted() born?: Date;
    @Encrypted() photo?: Buffer;
    @Encrypted() prefs?: Record<string, unknown>;
    @Encrypted() anything?: unknown;
    visitedAt?: string;
    @Type(() => Date) createdAt?: Date;
    @Type(() => Address) home?: Address;
    @Type(() => Address) previous?: Address[];
    @Encrypted() @Type(() => Address) secretAddress?: Address;
  }

  abstract class Person {
    id!: string;
    @Encrypted() ssn!: string;
  }
  @RedisEntity(`s-employees-${storage}`, { storage })
  class Employee extends Person {
    @Encrypted() salary!: number;
  }
  @RedisEntity(`s-contractors-${storage}`, { storage })
  class Contractor extends Person {
    agency!: string;
  }
  return { Profile, Employee, Contractor };
}

describe.each(['hash', 'json'] as const)('serializer field cases with %s storage', (storage) => {
  const { Profile, Employee, Contractor } = entities(storage);
  let app: FixtureApp;

  beforeAll(async () => {
    app = await startFixtureApp([Profile, Employee, Contractor]);
  });
  afterAll(() => app.close());

  it('F04 keeps null, the empty string and absence apart', async () => {
    const profiles = app.repository(Profile);
    await profiles.save(
      Object.assign(new Profile(), { id: 'p4', ssn: null, note: '', nick: undefined }),
    );
    const back = (await profiles.findById('p4'))!;
    expect(back.ssn).toBeNull();
    expect(back.note).toBe('');
    expect('nick' in back).toBe(false);
    const raw: Record<string, unknown> =
      storage === 'hash'
        ? await app.raw.hgetall(profiles.keyOf('p4'))
        : (JSON.parse((await app.raw.get(profiles.keyOf('p4')))!) as Record<string, unknown>);
    expect(Object.keys(raw).sort()).toEqual(['id', 'note', 'ssn']);
    expect(Object.values(raw)).not.toContain('null');
    expect(Object.values(raw)).not.toContain('undefined');
  });

  it('F05 keeps a sealed Date, Buffer and object, and leaves an ISO-looking clear string a string', async () => {
    const profiles = app.repository(Profile);
    const photo = Buffer.from([0, 1, 2, 0xff, 0xfe]);
    const saved = Object.assign(new Profile(), {
      id: 'p5',
      born: new Date('1990-05-01T00:00:00.000Z'),
      photo,
      prefs: { theme: 'dark', sizes: [1, 2], nested: { deep: true } },
      anything: 17,
      visitedAt: '2024-01-02T03:04:05.000Z',
      createdAt: new Date('2024-01-02T03:04:05.000Z'),
    });
    await profiles.save(saved);
    const back = (await profiles.findById('p5'))!;
    expect(back.born).toBeInstanceOf(Date);
    expect(back.born!.toISOString()).toBe('1990-05-01T00:00:00.000Z');
    expect(Buffer.isBuffer(back.photo)).toBe(true);
    expect(back.photo!.equals(photo)).toBe(true);
    expect(back.prefs).toEqual(saved.prefs);
    expect(back.anything).toBe(17);
    expect(back.visitedAt).toBe('2024-01-02T03:04:05.000Z');
    expect(back.createdAt).toBeInstanceOf(Date);
  });

  it.each([
    ['a Map in a sealed field', { anything: new Map([['a', 1]]) }],
    ['a Date inside a sealed plain object', { prefs: { when: new Date() } }],
    ['a function', { anything: () => 1 }],
    ['an invalid Date', { born: new Date('nope') }],
    ['a Date in an undeclared clear field', { extra: new Date() }],
    ['a string where a Date is declared', { createdAt: '2024-01-01' }],
    ['a string in a sealed Date field', { born: '1990-05-01' }],
    ['a Date in a sealed Buffer field', { photo: new Date() }],
  ])('F05 refuses %s when saved, and writes nothing', async (_name, fields) => {
    const profiles = app.repository(Profile);
    const id = `bad-${Math.random()}`;
    await expect(
      profiles.save(Object.assign(new Profile(), { id, ...fields })),
    ).rejects.toBeInstanceOf(UnsupportedValueError);
    expect(await profiles.exists(id)).toBe(false);
  });

  it('F06 seals the base class field for both subclasses, each read back as its own class', async () => {
    const employees = app.repository(Employee);
    const contractors = app.repository(Contractor);
    await employees.save(
      Object.assign(new Employee(), { id: 'e1', ssn: '111-11-1111', salary: 5000 }),
    );
    await contractors.save(
      Object.assign(new Contractor(), { id: 'c1', ssn: '222-22-2222', agency: 'Acme' }),
    );
    const employee = await employees.findById('e1');
    const contractor = await contractors.findById('c1');
    expect(employee).toBeInstanceOf(Employee);
    expect(contractor).toBeInstanceOf(Contractor);
    expect(employee).toEqual(
      Object.assign(new Employee(), { id: 'e1', ssn: '111-11-1111', salary: 5000 }),
    );
    expect(contractor).toEqual(
      Object.assign(new Contractor(), { id: 'c1', ssn: '222-22-2222', agency: 'Acme' }),
    );
    expect('salary' in contractor!).toBe(false);
    expect('agency' in employee!).toBe(false);
    const raw = [
      await app.raw.dump(employees.keyOf('e1')),
      await app.raw.dump(contractors.keyOf('c1')),
    ].join('');
    expect(raw).not.toContain('111-11-1111');
    expect(raw).not.toContain('222-22-2222');
    expect(raw).not.toContain('5000');
  });

  it('F07 seals inner fields of nested classes at every depth and index, and restores their classes', async () => {
    const profiles = app.repository(Profile);
    const address = (street: string, zip: string) =>
      Object.assign(new Address(), { street, zip, since: new Date('2020-01-01T00:00:00.000Z') });
    await profiles.save(
      Object.assign(new Profile(), {
        id: 'p7',
        home: address('1 Main St', 'ZIP-HOME-1'),
        previous: [address('2 Old Rd', 'ZIP-PREV-0'), address('3 Older Ln', 'ZIP-PREV-1')],
        secretAddress: address('4 Hidden Way', 'ZIP-SECRET'),
      }),
    );
    const raw = (await app.raw.dump(profiles.keyOf('p7'))).toString();
    for (const secret of ['ZIP-HOME-1', 'ZIP-PREV-0', 'ZIP-PREV-1', 'ZIP-SECRET', '4 Hidden Way']) {
      expect(raw).not.toContain(secret);
    }
    expect(raw).toContain('1 Main St');
    const back = (await profiles.findById('p7'))!;
    expect(back.home).toBeInstanceOf(Address);
    expect(back.home!.zip).toBe('ZIP-HOME-1');
    expect(back.home!.since).toBeInstanceOf(Date);
    expect(back.previous!.map((item) => item instanceof Address)).toEqual([true, true]);
    expect(back.previous!.map((item) => item.zip)).toEqual(['ZIP-PREV-0', 'ZIP-PREV-1']);
    expect(back.secretAddress).toBeInstanceOf(Address);
    expect(back.secretAddress!.zip).toBe('ZIP-SECRET');
  });

  it('F07 refuses, when saved, a nested instance in a field whose type is not declared', async () => {
    const profiles = app.repository(Profile);
    const error = await rejectionOf(
      profiles.save(
        Object.assign(new Profile(), {
          id: 'p7b',
          extra: [Object.assign(new Address(), { zip: 'Z' })],
        }),
      ),
    );
    expect(error).toBeInstanceOf(UnsupportedValueError);
    expect(error.message).toContain('extra[0]');
    expect(error.message).toContain('@Type(() =>');
  });
});

describe('F07 a nested field whose type cannot be known', () => {
  it('fails at registration, naming Class.property', async () => {
    class Line {
      @Encrypted() notes!: string[];
    }
    @RedisEntity('s-orders')
    class Order {
      id!: string;
      @Type(() => Line) lines!: Line[];
    }
    const error = await rejectionOf(startFixtureApp([Order]));
    expect(error).toBeInstanceOf(EntityDefinitionError);
    expect(error.message).toContain('Line.notes');
  });
});
