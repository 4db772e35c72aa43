import {
  buildPayload,
  decodeTagged,
  encodeScalar,
  PayloadError,
  splitPayload,
  ValueTag,
} from './value-codec.js';

function roundTrip(value: unknown, padding?: number): unknown {
  const [tag, body] = encodeScalar(value)!;
  const { tag: readTag, body: readBody } = splitPayload(buildPayload(tag, body, padding));
  return decodeTagged(readTag, readBody);
}

describe('value codec', () => {
  it.each([
    ['a string', 'A. Example'],
    ['an empty string', ''],
    ['a string with emoji and accents', 'Zoë 🩺 ñ'],
    ['a string with an unpaired surrogate', 'a\ud800b'],
    ['an integer', 42],
    ['a fraction', 0.1 + 0.2],
    ['negative zero', -0],
    ['NaN', NaN],
    ['Infinity', -Infinity],
    ['the largest double', Number.MAX_VALUE],
    ['true', true],
    ['false', false],
    ['null', null],
    ['a bigint', 12345678901234567890n],
    ['a Date', new Date('1990-05-01T12:34:56.789Z')],
    ['bytes that are not UTF-8', Buffer.from([0xff, 0xfe, 0x00, 0xc3])],
  ])('keeps %s exactly', (_name, value) => {
    expect(roundTrip(value)).toEqual(value);
    expect(roundTrip(value, 16)).toEqual(value);
    if (typeof value === 'number') expect(Object.is(roundTrip(value), value)).toBe(true);
  });

  it('returns bytes as a Buffer even when given a Uint8Array', () => {
    expect(roundTrip(new Uint8Array([1, 2, 3]))).toEqual(Buffer.from([1, 2, 3]));
  });

  it('leaves objects and arrays to the JSON path', () => {
    expect(encodeScalar({ a: 1 })).toBeUndefined();
    expect(encodeScalar([1])).toBeUndefined();
  });

  it('pads to a multiple of the bucket, including a full extra bucket when needed', () => {
    const [tag, body] = encodeScalar('abc')!;
    expect(buildPayload(tag, body, 16)).toHaveLength(16);
    expect(buildPayload(tag, Buffer.alloc(14), 16)).toHaveLength(16);
    expect(buildPayload(tag, Buffer.alloc(15), 16)).toHaveLength(32);
  });

  it('refuses padding without its 0x80 marker', () => {
    const padded = buildPayload(ValueTag.String, Buffer.from('abc'), 16);
    padded.fill(0, 4);
    expect(() => splitPayload(padded)).toThrow(PayloadError);
  });

  it('refuses an unknown type byte as unsupported', () => {
    let caught: unknown;
    try {
      splitPayload(Buffer.from([0x3f, 1]));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PayloadError);
    expect((caught as PayloadError).kind).toBe('unsupported');
  });

  it('refuses a malformed number', () => {
    expect(() => decodeTagged(ValueTag.Number, Buffer.from('12abc'))).toThrow(PayloadError);
    expect(() => decodeTagged(ValueTag.Number, Buffer.from(''))).toThrow(PayloadError);
  });

  it('refuses a date of the wrong length', () => {
    expect(() => decodeTagged(ValueTag.Date, Buffer.alloc(7))).toThrow(PayloadError);
  });
});
