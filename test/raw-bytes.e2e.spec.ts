import { randomBytes, randomUUID } from 'node:crypto';
import { Type } from 'class-transformer';
import { Encrypted, RedisEntity } from '../lib/index.js';
import { startFixtureApp, type FixtureApp } from './support/fixture-app.js';
import { recordMonitor } from './support/monitor.js';
import { keysUnder } from './support/redis.js';

class Contact {
  label!: string;
  @Encrypted() phone!: string;
}

function entity(storage: 'hash' | 'json') {
  @RedisEntity(`raw-records-${storage}`, { storage })
  class MedicalRecord {
    id!: string;
    clinic!: string;
    @Encrypted() diagnosis!: string;
    @Encrypted() notes!: string[] | Record<string, string>;
    @Encrypted() scan!: Buffer;
    @Encrypted() @Type(() => Contact) emergency!: Contact;
    @Type(() => Contact) contacts!: Contact[];
  }
  return MedicalRecord;
}

/** Distinctive secrets that cannot appear in Redis by chance. */
const secret = (label: string) => `${label}-${randomUUID()}`;

describe.each(['hash', 'json'] as const)('raw Redis bytes with %s storage', (storage) => {
  const MedicalRecord = entity(storage);
  let app: FixtureApp;
  const secrets: string[] = [];
  const scans: Buffer[] = [];

  beforeAll(async () => {
    app = await startFixtureApp([MedicalRecord]);
  });
  afterAll(() => app.close());

  it('never hold the plaintext of a sealed value, in storage or in the MONITOR stream', async () => {
    const monitor = await recordMonitor(app.prefix);
    const records = app.repository(MedicalRecord);
    for (let index = 0; index < 20; index++) {
      const values = Array.from({ length: 6 }, (_, i) => secret(`s${index}-${i}`));
      const scan = randomBytes(48);
      secrets.push(...values);
      scans.push(scan);
      const record = Object.assign(new MedicalRecord(), {
        id: `r${index}`,
        clinic: 'North Clinic',
        diagnosis: values[0],
        notes: index % 2 ? [values[1]] : { a: values[1]! },
        scan,
        emergency: Object.assign(new Contact(), { label: 'spouse', phone: values[2] }),
        contacts: [
          Object.assign(new Contact(), { label: 'gp', phone: values[3] }),
          Object.assign(new Contact(), { label: 'work', phone: values[4] }),
        ],
      });
      await records.save(record);
      await records.update(record.id, { diagnosis: values[5] });
    }
    await records.saveMany([
      Object.assign(new MedicalRecord(), { id: 'batch', clinic: 'x', diagnosis: secrets[0] }),
    ]);
    const monitored = await monitor.stop();

    const stored: Buffer[] = [];
    for (const key of await keysUnder(app.raw, app.prefix)) {
      stored.push(await app.raw.dumpBuffer(key));
      if (storage === 'hash') {
        for (const value of Object.values(await app.raw.hgetallBuffer(key))) stored.push(value);
      } else {
        stored.push((await app.raw.getBuffer(key))!);
      }
    }
    const all = Buffer.concat(stored);
    expect(all.includes('North Clinic')).toBe(true);
    for (const value of secrets) expect(all.includes(value)).toBe(false);
    for (const scan of scans) expect(all.includes(scan)).toBe(false);

    const stream = monitored.join('\n');
    expect(stream).toContain('North Clinic');
    for (const value of secrets) expect(stream).not.toContain(value);
  });
});
