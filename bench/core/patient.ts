import { Encrypted, RedisEntity } from '../../lib/index.js';

/** The record every case stores: three clear fields, then three sealed ones. */
export interface PatientFields {
  id: string;
  name: string;
  city: string;
  email: string;
  ssn: string;
  diagnosis: string;
}

export const CLEAR_FIELDS = ['id', 'name', 'city'] as const;
export const SEALED_FIELDS = ['email', 'ssn', 'diagnosis'] as const;

/** Field declarations shared by the hash and JSON entities. */
abstract class PatientRecord implements PatientFields {
  id!: string;
  name!: string;
  city!: string;
  @Encrypted() email!: string;
  @Encrypted() ssn!: string;
  @Encrypted() diagnosis!: string;
}

@RedisEntity('patients-hash', { storage: 'hash' })
export class HashPatient extends PatientRecord {}

@RedisEntity('patients-json', { storage: 'json' })
export class JsonPatient extends PatientRecord {}

const FIRST_NAMES = [
  'Amelia',
  'Jonas',
  'Priya',
  'Mateo',
  'Chloé',
  'Kwame',
  'Sofia',
  'Liam',
  'Yuki',
  'Noah',
  'Fatima',
  'Oliver',
  'Ingrid',
  'Diego',
  'Hannah',
  'Rahul',
  'Zoë',
  'Tomasz',
  'Aisha',
  'Lucas',
];
const LAST_NAMES = [
  'Hartmann',
  'Okafor',
  'Nguyen',
  'García',
  'Lindqvist',
  'Rossi',
  'Kowalski',
  'Patel',
  'Dubois',
  'Tanaka',
  'Müller',
  'Andersson',
  'Moreau',
  "O'Connor",
  'Haddad',
  'Fischer',
];
const CITIES = [
  'Lyon',
  'München',
  'Rotterdam',
  'Porto',
  'Kraków',
  'Göteborg',
  'Bologna',
  'Dublin',
  'Toronto',
  'Austin',
  'Melbourne',
  'São Paulo',
  'Osaka',
  'Zürich',
  'Cork',
  'Leeds',
];
const DOMAINS = ['example.com', 'mail.example.org', 'patients.example.net'];
const NOTE_CLAUSES = [
  'Type 2 diabetes mellitus without complications (E11.9).',
  'Essential hypertension (I10), controlled on lisinopril 10 mg daily.',
  'Mild persistent asthma (J45.30); albuterol as needed.',
  'Major depressive disorder, single episode, moderate (F32.1).',
  'Hyperlipidemia (E78.5); started atorvastatin 20 mg.',
  'Penicillin allergy: hives.',
  'Follow-up in 3 months with repeat HbA1c.',
  'Chronic low back pain (M54.5); referred to physiotherapy.',
  'Hypothyroidism (E03.9) on levothyroxine 75 mcg.',
  'Seasonal allergic rhinitis (J30.2).',
  'Iron deficiency anemia (D50.9); oral iron supplementation.',
  'Generalized anxiety disorder (F41.1); weekly CBT.',
  'Migraine without aura (G43.009).',
  'Obstructive sleep apnea (G47.33), on CPAP nightly.',
];

/** Deterministic 32-bit generator (mulberry32), so every run stores the same records. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** `count` distinct, realistic patient records; the same on every run. */
export function patientRecords(count: number, seed = 20240611): PatientFields[] {
  const next = generator(seed);
  const pick = <V>(items: readonly V[]): V => items[Math.floor(next() * items.length)]!;
  const digits = (length: number) => Array.from({ length }, () => Math.floor(next() * 10)).join('');
  return Array.from({ length: count }, (_, index) => {
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    const local = `${first}.${last}`
      .normalize('NFD')
      .replace(/[^A-Za-z.]/g, '')
      .toLowerCase();
    const clauses = 1 + Math.floor(next() * 3);
    return {
      id: `mrn-${String(index).padStart(8, '0')}`,
      name: `${first} ${last}`,
      city: pick(CITIES),
      email: `${local}${digits(2)}@${pick(DOMAINS)}`,
      ssn: `${digits(3)}-${digits(2)}-${digits(4)}`,
      diagnosis: Array.from({ length: clauses }, () => pick(NOTE_CLAUSES)).join(' '),
    };
  });
}
