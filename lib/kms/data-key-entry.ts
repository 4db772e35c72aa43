import { KeyServiceError } from '../errors/key-service.error.js';
import type { WrappedKey } from './kms-gateway.js';

/** `active` keys open values (and seal, in the instance that made them); `retired` ones are refused. */
export type DataKeyState = 'active' | 'retired';

/** One data key in the registry: never its clear bytes. */
export interface DataKeyEntry {
  readonly id: string;
  readonly state: DataKeyState;
  /** ARN of the KMS key that wraps it. */
  readonly kmsKeyArn: string;
  /** The wrapped key, base64; absent once the key was retired with `shred`. */
  readonly wrapped?: string;
  readonly createdAt: Date;
  readonly rewrappedAt?: Date;
  readonly retiredAt?: Date;
}

/** Format version of a registry entry. */
const ENTRY_VERSION = 1;

interface StoredEntry {
  v: number;
  state: DataKeyState;
  kms: string;
  blob?: string;
  created: string;
  rewrapped?: string;
  retired?: string;
}

/** The registry's text for an entry: JSON, short field names, dates as ISO text. */
export function formatEntry(entry: DataKeyEntry): string {
  const stored: StoredEntry = {
    v: ENTRY_VERSION,
    state: entry.state,
    kms: entry.kmsKeyArn,
    ...(entry.wrapped === undefined ? {} : { blob: entry.wrapped }),
    created: entry.createdAt.toISOString(),
    ...(entry.rewrappedAt === undefined ? {} : { rewrapped: entry.rewrappedAt.toISOString() }),
    ...(entry.retiredAt === undefined ? {} : { retired: entry.retiredAt.toISOString() }),
  };
  return JSON.stringify(stored);
}

function date(text: unknown): Date | undefined {
  if (typeof text !== 'string') return undefined;
  const value = new Date(text);
  return Number.isNaN(value.getTime()) ? undefined : value;
}

/** Reads a registry entry; throws `KeyServiceError` naming the id when the text is not one. */
export function parseEntry(id: string, text: string): DataKeyEntry {
  let stored: Partial<StoredEntry>;
  try {
    stored = JSON.parse(text) as Partial<StoredEntry>;
  } catch {
    stored = {};
  }
  const createdAt = date(stored.created);
  if (
    stored.v !== ENTRY_VERSION ||
    (stored.state !== 'active' && stored.state !== 'retired') ||
    typeof stored.kms !== 'string' ||
    (stored.blob !== undefined && typeof stored.blob !== 'string') ||
    createdAt === undefined
  ) {
    throw new KeyServiceError(
      id,
      'its registry entry is malformed or of an unknown version; restore the registry hash from a backup',
    );
  }
  const rewrappedAt = date(stored.rewrapped);
  const retiredAt = date(stored.retired);
  return {
    id,
    state: stored.state,
    kmsKeyArn: stored.kms,
    ...(stored.blob === undefined ? {} : { wrapped: stored.blob }),
    createdAt,
    ...(rewrappedAt === undefined ? {} : { rewrappedAt }),
    ...(retiredAt === undefined ? {} : { retiredAt }),
  };
}

/** The wrapped key of an active entry, as the KMS calls take it. */
export function wrappedKeyOf(entry: DataKeyEntry): WrappedKey | undefined {
  if (entry.wrapped === undefined) return undefined;
  return { blob: Buffer.from(entry.wrapped, 'base64'), kmsKeyArn: entry.kmsKeyArn };
}
