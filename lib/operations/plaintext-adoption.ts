import { buildPayload, encodeScalar, ValueTag } from '../crypto/value-codec.js';
import { fromHashText } from '../repository/json-values.js';
import type { SealedSpec } from './sealed-path-tree.js';

/**
 * The clear value a hash field's text stands for, read as the module reads
 * legacy plaintext (`fromHashText`), except that a string field keeps its raw
 * text when that text happens to parse as a number or boolean.
 */
export function hashPlaintext(text: string, spec: SealedSpec): unknown {
  const value = fromHashText(text);
  if (spec.type === 'string' && typeof value !== 'string' && value !== null) return text;
  return value;
}

function dateOf(value: unknown): Date | undefined {
  const date = typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined;
  return date === undefined || Number.isNaN(date.getTime()) ? undefined : date;
}

function bigintOf(value: unknown): bigint | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  try {
    return BigInt(value);
  } catch {
    return undefined;
  }
}

function typedValue(value: unknown, spec: SealedSpec): unknown {
  switch (spec.type) {
    case 'date':
      return dateOf(value);
    case 'bytes':
      return typeof value === 'string' ? Buffer.from(value, 'base64') : undefined;
    case 'bigint':
      return bigintOf(value);
    default:
      return value;
  }
}

/**
 * The payload that seals a legacy clear value as the module would have sealed
 * it: typed by the field's declaration (dates, bytes, bigints, nested classes
 * as `Declared` JSON). `undefined` when the clear value cannot be read as that
 * type; it is then left as it is and reported.
 */
export function plaintextPayload(value: unknown, spec: SealedSpec): Buffer | undefined {
  if (value === null) return buildPayload(ValueTag.Null, undefined, spec.padding);
  if (spec.type === 'declared') {
    if (typeof value !== 'object') return undefined;
    return buildPayload(ValueTag.Declared, Buffer.from(JSON.stringify(value)), spec.padding);
  }
  const typed = typedValue(value, spec);
  if (typed === undefined) return undefined;
  const scalar = encodeScalar(typed);
  if (scalar !== undefined) return buildPayload(scalar[0], scalar[1], spec.padding);
  return buildPayload(ValueTag.Json, Buffer.from(JSON.stringify(typed)), spec.padding);
}
