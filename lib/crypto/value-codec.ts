/**
 * The plaintext inside an envelope: one type byte, then the value's bytes,
 * so that types survive the round trip (see docs/envelope.md).
 */
export const ValueTag = {
  Null: 0x00,
  False: 0x01,
  True: 0x02,
  /** Shortest round-trip decimal text, UTF-8; also NaN, Infinity and -0. */
  Number: 0x03,
  /** UTF-8. */
  String: 0x04,
  /** UTF-16LE, for strings holding lone surrogates that UTF-8 cannot carry. */
  StringUtf16: 0x05,
  /** Milliseconds since the epoch, IEEE 754 double, big-endian. */
  Date: 0x06,
  Bytes: 0x07,
  /** JSON text of a plain object or array. */
  Json: 0x08,
  /** Decimal text. */
  BigInt: 0x09,
  /** JSON text of a value whose shape comes from its declared class or element type. */
  Declared: 0x0a,
} as const;

export type ValueTag = (typeof ValueTag)[keyof typeof ValueTag];

/** Set on the type byte when the value is followed by 0x80 and zero padding. */
const PADDED = 0x80;
const PAD_MARKER = 0x80;
const KNOWN_TAGS = new Set<number>(Object.values(ValueTag));

/** Raised inside the codec; callers turn it into a located, typed error. */
export class PayloadError extends Error {
  constructor(
    readonly kind: 'malformed' | 'unsupported',
    reason: string,
  ) {
    super(reason);
  }
}

export function buildPayload(
  tag: ValueTag,
  body: Uint8Array | undefined,
  padding?: number,
): Buffer {
  const bodyLength = body?.length ?? 0;
  if (padding === undefined) {
    const out = Buffer.allocUnsafe(1 + bodyLength);
    out[0] = tag;
    if (body) out.set(body, 1);
    return out;
  }
  const total = Math.ceil((bodyLength + 2) / padding) * padding;
  const out = Buffer.alloc(total);
  out[0] = tag | PADDED;
  if (body) out.set(body, 1);
  out[1 + bodyLength] = PAD_MARKER;
  return out;
}

export function splitPayload(payload: Buffer): { tag: ValueTag; body: Buffer } {
  const first = payload[0];
  if (first === undefined) throw new PayloadError('malformed', 'the sealed value is empty');
  const tag = first & ~PADDED;
  if (!KNOWN_TAGS.has(tag)) {
    throw new PayloadError('unsupported', `it holds a value of unknown type ${tag}`);
  }
  if ((first & PADDED) === 0) return { tag: tag as ValueTag, body: payload.subarray(1) };
  let end = payload.length - 1;
  while (end > 0 && payload[end] === 0) end--;
  if (end < 1 || payload[end] !== PAD_MARKER) {
    throw new PayloadError('malformed', 'the padding of the sealed value is malformed');
  }
  return { tag: tag as ValueTag, body: payload.subarray(1, end) };
}

const DATE_BYTES = 8;
const NUMBER_TEXT = /^(?:-?(?:\d+(?:\.\d+)?(?:e[+-]\d+)?|Infinity)|NaN)$/;
const BIGINT_TEXT = /^-?\d+$/;

/** Tag and bytes of a scalar, or `undefined` when the value is an object or array. */
export function encodeScalar(value: unknown): [ValueTag, Uint8Array | undefined] | undefined {
  switch (typeof value) {
    case 'string':
      return value.isWellFormed()
        ? [ValueTag.String, Buffer.from(value, 'utf8')]
        : [ValueTag.StringUtf16, Buffer.from(value, 'utf16le')];
    case 'number':
      return [ValueTag.Number, Buffer.from(Object.is(value, -0) ? '-0' : String(value), 'latin1')];
    case 'boolean':
      return [value ? ValueTag.True : ValueTag.False, undefined];
    case 'bigint':
      return [ValueTag.BigInt, Buffer.from(value.toString(), 'latin1')];
    case 'object':
      if (value === null) return [ValueTag.Null, undefined];
      if (value instanceof Date) {
        const body = Buffer.allocUnsafe(DATE_BYTES);
        body.writeDoubleBE(value.getTime());
        return [ValueTag.Date, body];
      }
      if (value instanceof Uint8Array) return [ValueTag.Bytes, value];
      return undefined;
    default:
      return undefined;
  }
}

/** Decodes a scalar tag, or JSON; `Declared` is left to the caller, who knows the type. */
export function decodeTagged(tag: ValueTag, body: Buffer): unknown {
  switch (tag) {
    case ValueTag.Null:
      return null;
    case ValueTag.False:
      return false;
    case ValueTag.True:
      return true;
    case ValueTag.Number: {
      const text = body.toString('latin1');
      if (!NUMBER_TEXT.test(text))
        throw new PayloadError('malformed', 'a sealed number is malformed');
      return Number(text);
    }
    case ValueTag.String:
      return body.toString('utf8');
    case ValueTag.StringUtf16:
      return body.toString('utf16le');
    case ValueTag.Date:
      if (body.length !== DATE_BYTES)
        throw new PayloadError('malformed', 'a sealed date is malformed');
      return new Date(body.readDoubleBE(0));
    case ValueTag.Bytes:
      return Buffer.from(body);
    case ValueTag.BigInt: {
      const text = body.toString('latin1');
      if (!BIGINT_TEXT.test(text))
        throw new PayloadError('malformed', 'a sealed bigint is malformed');
      return BigInt(text);
    }
    case ValueTag.Json:
    case ValueTag.Declared:
      return parseJson(body);
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new PayloadError('malformed', 'a sealed JSON value is malformed');
  }
}
