import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Redis } from 'ioredis';
import request from 'supertest';
import {
  ENCRYPTED_REDIS_KEY_RING,
  EncryptedRepository,
  getEncryptedRepositoryToken,
  LocalKeyRing,
  type KeyRing,
} from '../lib/index.js';
import { AppModule } from '../sample-app/app.module.js';
import { devKeyFilePath } from '../sample-app/keys/dev-key-file.js';
import { Patient } from '../sample-app/patients/patient.entity.js';
import { CaptureLogger } from './support/capture-logger.js';
import { testKey } from './support/keys.js';
import { cleanPrefix, keysUnder, testClient, testPrefix } from './support/redis.js';

const ENV_NAMES = [
  'KEY_PREFIX',
  'ENCRYPTED_REDIS_KEYS',
  'ENCRYPTED_REDIS_PRIMARY_KEY',
  'ENCRYPTED_REDIS_RETIRED_KEYS',
] as const;

type PatientBody = Record<'id' | 'name' | 'email' | 'ssn' | 'dob', string>;

const SEALED_FIELDS = ['email', 'ssn', 'dob'] as const;

const alice: PatientBody = {
  id: 'p1',
  name: 'A. Example',
  email: 'a@example.test',
  ssn: '000-11-2222',
  dob: '1990-05-01',
};

function patient(id: string, changes: Partial<PatientBody> = {}): PatientBody {
  return { ...alice, id, email: `${id}@example.test`, ssn: '123-45-6789', ...changes };
}

describe('the sample app', () => {
  const savedEnv = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));
  const prefix = testPrefix();
  const logger = new CaptureLogger();
  /** The key, the plaintexts sent and the sealed texts seen in Redis: none may reach a log line. */
  const secrets = new Set<string>();
  let devKeyFileExisted: boolean;
  let moduleRef: TestingModule;
  let app: INestApplication<Server>;
  let raw: Redis;
  let patients: EncryptedRepository<Patient>;

  const http = () => request(app.getHttpServer());
  const create = (body: Record<string, unknown>) => {
    for (const field of SEALED_FIELDS) {
      if (typeof body[field] === 'string') secrets.add(body[field]);
    }
    return http().post('/patients').send(body);
  };

  beforeAll(async () => {
    devKeyFileExisted = existsSync(devKeyFilePath());
    for (const name of ENV_NAMES) delete process.env[name];
    process.env.KEY_PREFIX = prefix;
    const key = testKey();
    secrets.add(key);
    process.env.ENCRYPTED_REDIS_KEYS = `e2e:${key}`;
    moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .setLogger(logger)
      .compile();
    app = moduleRef.createNestApplication<INestApplication<Server>>({ logger });
    await app.init();
    raw = testClient();
    patients = moduleRef.get(getEncryptedRepositoryToken(Patient));
  });

  afterAll(async () => {
    await app?.close();
    if (raw !== undefined) {
      await cleanPrefix(raw, prefix);
      await raw.quit();
    }
    for (const name of ENV_NAMES) {
      if (savedEnv[name] === undefined) delete process.env[name];
      else process.env[name] = savedEnv[name];
    }
  });

  it('takes its keys from the environment and writes no development key file', () => {
    expect(moduleRef.get<KeyRing>(ENCRYPTED_REDIS_KEY_RING).describe()).toEqual([
      { id: 'e2e', state: 'primary' },
    ]);
    expect(existsSync(devKeyFilePath())).toBe(devKeyFileExisted);
  });

  describe('the curl session of the README', () => {
    it('creates a patient and answers 201 with exactly the fields that were sent', async () => {
      const response = await create(alice).expect(201);
      expect(response.body).toEqual(alice);
    });

    it('reads the patient back in clear', async () => {
      const response = await http().get('/patients/p1').expect(200);
      expect(response.body).toEqual(alice);
    });

    it('stores one hash under the prefix, the name in clear and email, ssn and dob sealed', async () => {
      const key = patients.keyOf('p1');
      expect(key.startsWith(prefix)).toBe(true);
      expect(await keysUnder(raw, prefix)).toEqual([key]);
      const hash = await raw.hgetall(key);
      expect(Object.keys(hash).sort()).toEqual(['dob', 'email', 'id', 'name', 'ssn']);
      expect(hash.name).toBe(alice.name);
      for (const field of SEALED_FIELDS) {
        const sealed = hash[field]!;
        secrets.add(sealed);
        expect(sealed).not.toContain(alice[field]);
        expect(sealed).not.toContain(Buffer.from(alice[field]).toString('base64'));
        expect(sealed.length).toBeGreaterThan(alice[field].length);
      }
      expect(new Set(SEALED_FIELDS.map((field) => hash[field])).size).toBe(3);
    });
  });

  describe('sealed values open only through the API', () => {
    it('refuses a sealed value copied into another field with 500 ERR_INTEGRITY', async () => {
      await create(patient('moved')).expect(201);
      const key = patients.keyOf('moved');
      const sealedSsn = (await raw.hget(key, 'ssn'))!;
      secrets.add(sealedSsn);
      await raw.hset(key, 'email', sealedSsn);
      const response = await http().get('/patients/moved').expect(500);
      expect(response.body).toEqual({
        statusCode: 500,
        code: 'ERR_INTEGRITY',
        message: expect.any(String) as string,
      });
      expect(response.text).not.toContain(sealedSsn);
      expect(response.text).not.toContain('123-45-6789');
    });

    it('refuses plaintext written straight into a sealed field with 500 ERR_NOT_ENCRYPTED', async () => {
      await create(patient('planted')).expect(201);
      await raw.hset(patients.keyOf('planted'), 'ssn', '555-55-5555');
      secrets.add('555-55-5555');
      const response = await http().get('/patients/planted').expect(500);
      expect(response.body).toMatchObject({ statusCode: 500, code: 'ERR_NOT_ENCRYPTED' });
      expect(response.text).not.toContain('555-55-5555');
    });

    it('refuses a value sealed under a key the app does not hold with 500 ERR_UNKNOWN_KEY', async () => {
      const stranger = new EncryptedRepository(Patient, {
        client: raw,
        keyRing: new LocalKeyRing({ keys: { stranger: testKey() } }),
        keyPrefix: prefix,
      });
      await stranger.save(Object.assign(new Patient(), patient('foreign')));
      const response = await http().get('/patients/foreign').expect(500);
      expect(response.body).toMatchObject({ statusCode: 500, code: 'ERR_UNKNOWN_KEY' });
    });
  });

  describe('bad input', () => {
    const ssn = '999-88-7777';
    const valid = patient('bad', { ssn });
    const withoutSsn: Partial<PatientBody> = { ...valid };
    delete withoutSsn.ssn;

    it.each([
      ['an unknown field', { ...valid, admin: true }, 'property admin should not exist'],
      ['a missing field', withoutSsn, 'ssn must be written as 000-00-0000'],
      ['a number where a string belongs', { ...valid, name: 42 }, 'name must be a string'],
      [
        'invalid characters in the id',
        { ...valid, id: 'p 1/../x' },
        'id must be 1 to 64 letters, digits, "_" or "-"',
      ],
      ['an invalid email', { ...valid, email: 'no-at-sign' }, 'email must be an email'],
      [
        'a date of birth with a time',
        { ...valid, dob: '1990-05-01T00:00:00Z' },
        'dob must be a date written as YYYY-MM-DD',
      ],
      [
        'a date of birth that does not exist',
        { ...valid, dob: '1990-02-30' },
        'dob must be an existing calendar date',
      ],
    ])(
      'answers 400 naming the problem when a new patient has %s',
      async (_label, body, problem) => {
        const before = await keysUnder(raw, prefix);
        const response = await create(body).expect(400);
        expect(response.body).toMatchObject({
          statusCode: 400,
          message: expect.arrayContaining([problem]) as string[],
        });
        expect(response.text).not.toContain(ssn);
        expect(await keysUnder(raw, prefix)).toHaveLength(before.length);
      },
    );

    it('answers 400 without quoting the body when it is not valid JSON', async () => {
      const response = await http()
        .post('/patients')
        .set('content-type', 'application/json')
        .send(`ssn=${ssn}`)
        .expect(400);
      expect(response.body).toMatchObject({ message: 'The request body is not valid JSON.' });
      expect(response.text).not.toContain(ssn);
    });

    it('answers 415 without quoting the body when it is not sent as JSON', async () => {
      const response = await http()
        .post('/patients')
        .set('content-type', 'application/x-www-form-urlencoded')
        .send(
          JSON.stringify({ id: 'p9', name: 'C', email: 'c@example.test', ssn, dob: '1990-01-01' }),
        )
        .expect(415);
      expect(response.text).not.toContain(ssn);
      await http().patch('/patients/p1').set('content-type', 'text/plain').send('x').expect(415);
    });

    it('answers 400 when the id in the path has invalid characters', async () => {
      await http().get('/patients/p%20x').expect(400);
      await http().delete('/patients/p%2Fx').expect(400);
    });
  });

  describe('bad PATCH input', () => {
    beforeAll(async () => {
      await create(patient('patch-bad')).expect(201);
    });

    it.each([
      ['tries to change the id', { id: 'other' }, 'property id should not exist'],
      ['sets a field to null', { email: null }, 'email must be a string'],
      ['has an unknown field', { admin: true }, 'property admin should not exist'],
    ])('answers 400 and changes nothing when a PATCH %s', async (_label, body, problem) => {
      const response = await http().patch('/patients/patch-bad').send(body).expect(400);
      expect(response.body).toMatchObject({
        message: expect.arrayContaining([problem]) as string[],
      });
      expect((await http().get('/patients/patch-bad').expect(200)).body).toEqual(
        patient('patch-bad'),
      );
    });
  });

  describe('missing and existing ids', () => {
    it('answers 404 to GET, PATCH and DELETE of an id that does not exist', async () => {
      const notFound = { statusCode: 404, code: 'ERR_ENTITY_NOT_FOUND' };
      expect((await http().get('/patients/nobody').expect(404)).body).toMatchObject(notFound);
      const patched = await http().patch('/patients/nobody').send({ name: 'X' }).expect(404);
      expect(patched.body).toMatchObject(notFound);
      expect((await http().delete('/patients/nobody').expect(404)).body).toMatchObject(notFound);
      expect(await raw.exists(patients.keyOf('nobody'))).toBe(0);
    });

    it('answers 409 and keeps the stored patient when the id already exists', async () => {
      const original = patient('taken');
      await create(original).expect(201);
      const response = await create(patient('taken', { name: 'Usurper', ssn: '111-11-1111' }));
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({ statusCode: 409, code: 'ERR_ENTITY_EXISTS' });
      expect((await http().get('/patients/taken').expect(200)).body).toEqual(original);
    });
  });

  describe('PATCH', () => {
    it('changes only the given fields, answers with the whole patient and keeps the TTL', async () => {
      const original = patient('patched');
      await create(original).expect(201);
      const key = patients.keyOf('patched');
      await raw.pexpire(key, 600_000);
      const before = await raw.hgetall(key);

      const changes = { name: 'B. Example', email: 'b@example.test' };
      secrets.add(changes.email);
      const response = await http().patch('/patients/patched').send(changes).expect(200);

      expect(response.body).toEqual({ ...original, ...changes });
      expect((await http().get('/patients/patched').expect(200)).body).toEqual({
        ...original,
        ...changes,
      });
      const ttl = await raw.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(600_000);
      const after = await raw.hgetall(key);
      expect(after.name).toBe(changes.name);
      expect(after.email).not.toBe(before.email);
      expect(after.email).not.toContain(changes.email);
      expect(after.ssn).toBe(before.ssn);
      expect(after.dob).toBe(before.dob);
    });
  });

  describe('DELETE', () => {
    it('answers 204 with no body, removes the hash, then answers 404', async () => {
      await create(patient('gone')).expect(201);
      const response = await http().delete('/patients/gone').expect(204);
      expect(response.text).toBe('');
      expect(await raw.exists(patients.keyOf('gone'))).toBe(0);
      await http().get('/patients/gone').expect(404);
      await http().delete('/patients/gone').expect(404);
    });
  });

  it('never writes a submitted value or a sealed value to the log', () => {
    // The refused reads above logged errors: those lines are checked too.
    expect(logger.lines.some((line) => line.includes('ERR_INTEGRITY'))).toBe(true);
    const leaks = logger.lines.filter((line) =>
      [...secrets].some((secret) => line.includes(secret)),
    );
    expect(leaks).toEqual([]);
  });
});
