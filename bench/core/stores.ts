import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { EncryptedRepository, type RepositoryContext } from '../../lib/index.js';
import { hashBytes, stringBytes } from '../harness/redis.js';
import { HashPatient, JsonPatient, type PatientFields } from './patient.js';

/** One way of storing the patient records; operation `i` uses record `i % records.length`. */
export interface PatientStore {
  readonly id: string;
  readonly label: string;
  /** How `storedBytes` counts, for the report. */
  readonly sizeMethod: string;
  save(index: number): Promise<unknown>;
  find(index: number): Promise<PatientFields | null>;
  /** The raw stored form, for checking that sealed fields never reach Redis in clear. */
  raw(index: number): Promise<string>;
  storedBytes(index: number): Promise<number>;
}

const STRLEN = 'STRLEN of the value';
const HASH_SIZE = 'sum of field-name bytes and HSTRLEN of every value';

/** An `EncryptedRepository` of `HashPatient` or `JsonPatient`. */
export class RepositoryStore<T extends PatientFields> implements PatientStore {
  readonly sizeMethod: string;
  private readonly repository: EncryptedRepository<T>;
  private readonly entities: T[];

  constructor(
    readonly id: string,
    readonly label: string,
    entity: new () => T,
    records: readonly PatientFields[],
    private readonly client: Redis,
    context: RepositoryContext,
  ) {
    this.repository = new EncryptedRepository(entity, context);
    this.entities = records.map((record) => Object.assign(new entity(), record));
    this.sizeMethod = this.repository.entity.storage === 'json' ? STRLEN : HASH_SIZE;
  }

  save(index: number): Promise<T> {
    return this.repository.save(this.entity(index));
  }

  find(index: number): Promise<T | null> {
    return this.repository.findById(this.entity(index).id);
  }

  async raw(index: number): Promise<string> {
    const key = this.repository.keyOf(this.entity(index).id);
    return this.repository.entity.storage === 'json'
      ? ((await this.client.get(key)) ?? '')
      : JSON.stringify(await this.client.hgetall(key));
  }

  storedBytes(index: number): Promise<number> {
    const key = this.repository.keyOf(this.entity(index).id);
    return this.repository.entity.storage === 'json'
      ? stringBytes(this.client, key)
      : hashBytes(this.client, key);
  }

  private entity(index: number): T {
    return this.entities[index % this.entities.length]!;
  }
}

/** Baseline (a): the record as clear JSON with plain ioredis SET and GET. */
export class PlainJsonStore implements PatientStore {
  readonly sizeMethod = STRLEN;

  constructor(
    readonly id: string,
    readonly label: string,
    protected readonly records: readonly PatientFields[],
    protected readonly client: Redis,
    protected readonly keyPrefix: string,
  ) {}

  save(index: number): Promise<unknown> {
    const record = this.record(index);
    return this.client.set(this.keyOf(record), JSON.stringify(this.toStored(record)));
  }

  async find(index: number): Promise<PatientFields | null> {
    const text = await this.client.get(this.keyOf(this.record(index)));
    return text === null ? null : this.fromStored(JSON.parse(text) as PatientFields);
  }

  async raw(index: number): Promise<string> {
    return (await this.client.get(this.keyOf(this.record(index)))) ?? '';
  }

  storedBytes(index: number): Promise<number> {
    return stringBytes(this.client, this.keyOf(this.record(index)));
  }

  protected toStored(record: PatientFields): PatientFields {
    return record;
  }

  protected fromStored(stored: PatientFields): PatientFields {
    return stored;
  }

  private record(index: number): PatientFields {
    return this.records[index % this.records.length]!;
  }

  private keyOf(record: PatientFields): string {
    return `${this.keyPrefix}{${record.id}}`;
  }
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Baseline (b): the same JSON with email, ssn and diagnosis sealed by direct
 * node:crypto calls: AES-256-GCM under one raw key, a random 12-byte nonce, a
 * 16-byte tag, `base64(nonce | ciphertext | tag)`; no associated data, no
 * header, no key derivation, no type tag.
 */
export class HandSealedJsonStore extends PlainJsonStore {
  private readonly key = randomBytes(32);

  protected override toStored(record: PatientFields): PatientFields {
    return {
      ...record,
      email: this.seal(record.email),
      ssn: this.seal(record.ssn),
      diagnosis: this.seal(record.diagnosis),
    };
  }

  protected override fromStored(stored: PatientFields): PatientFields {
    stored.email = this.open(stored.email);
    stored.ssn = this.open(stored.ssn);
    stored.diagnosis = this.open(stored.diagnosis);
    return stored;
  }

  private seal(text: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const ciphertext = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return Buffer.concat([nonce, ciphertext, cipher.getAuthTag()]).toString('base64');
  }

  private open(sealed: string): string {
    const bytes = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, NONCE_BYTES));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const body = bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }
}

/** Case ids, as given to `--case`. */
export const CASES = {
  plain: 'plain-json',
  handSealed: 'hand-sealed-json',
  repositoryJson: 'repository-json',
  repositoryHash: 'repository-hash',
} as const;

export type CaseId = (typeof CASES)[keyof typeof CASES];

/**
 * The four stores, in report order. Baselines live under `<prefix>baseline-a:`
 * and `<prefix>baseline-b:`, repositories under their keyspaces below the same prefix.
 */
export function createStores(
  context: RepositoryContext & { readonly client: Redis; readonly keyPrefix: string },
  records: readonly PatientFields[],
): PatientStore[] {
  const { client, keyPrefix } = context;
  return [
    new PlainJsonStore(
      CASES.plain,
      '(a) ioredis SET/GET, clear JSON',
      records,
      client,
      `${keyPrefix}baseline-a:`,
    ),
    new HandSealedJsonStore(
      CASES.handSealed,
      '(b) hand-sealed node:crypto, JSON',
      records,
      client,
      `${keyPrefix}baseline-b:`,
    ),
    new RepositoryStore(
      CASES.repositoryJson,
      'repository, JSON storage',
      JsonPatient,
      records,
      client,
      context,
    ),
    new RepositoryStore(
      CASES.repositoryHash,
      'repository, hash storage',
      HashPatient,
      records,
      client,
      context,
    ),
  ];
}
