import { randomBytes } from 'node:crypto';
import { DataKey } from '../keys/data-key.js';
import { pathScope, recordScope } from './associated-data.js';
import { openPayload, sealPayload } from './envelope-cipher.js';
import { isEnvelopeProblem, parseEnvelope, type ParsedEnvelope } from './envelope-format.js';
import { buildPayload, ValueTag } from './value-codec.js';

const key = new DataKey('k1', randomBytes(32));
const scope = recordScope('patients', 'u1');
const path = pathScope(['ssn']);

function sealText(text = '000-11-2222', keyspace = 'patients'): Buffer {
  return sealPayload(
    key,
    keyspace,
    recordScope(keyspace, 'u1'),
    path,
    buildPayload(ValueTag.String, Buffer.from(text)),
  );
}

function open(text: string, at = { keyspace: 'patients', scope, path }): Buffer | string {
  const parsed = parseEnvelope(text);
  if (isEnvelopeProblem(parsed)) return parsed.kind;
  return openPayload(parsed, key, at.keyspace, at.scope, at.path) ?? 'rejected';
}

describe('envelope format', () => {
  it('opens what it sealed', () => {
    const opened = open(sealText().toString('base64url'));
    expect(Buffer.isBuffer(opened) && opened.subarray(1).toString()).toBe('000-11-2222');
  });

  it('adds 34 bytes of overhead with a two-character key id', () => {
    expect(sealText('x').length - 1).toBe(34);
  });

  it.each([4, 8, 12, 15])('never accepts a tag cut to %i bytes', (kept) => {
    const sealed = sealText();
    const cut = sealed.subarray(0, sealed.length - (16 - kept)).toString('base64url');
    expect(['malformed', 'rejected']).toContain(open(cut));
  });

  it('rejects a single flipped bit in any byte', () => {
    const sealed = sealText();
    for (let index = 0; index < sealed.length; index++) {
      const flipped = Buffer.from(sealed);
      flipped[index]! ^= 0x01;
      expect(Buffer.isBuffer(open(flipped.toString('base64url')))).toBe(false);
    }
  });

  it('rejects a value bound to another record, field or keyspace', () => {
    const text = sealText().toString('base64url');
    expect(open(text, { keyspace: 'patients', scope: recordScope('patients', 'u2'), path })).toBe(
      'rejected',
    );
    expect(open(text, { keyspace: 'patients', scope, path: pathScope(['email']) })).toBe(
      'rejected',
    );
    expect(open(text, { keyspace: 'doctors', scope: recordScope('doctors', 'u1'), path })).toBe(
      'rejected',
    );
  });

  it('keeps the boundary between record id and field path unambiguous', () => {
    expect(Buffer.concat([recordScope('a', 'b:c'), pathScope(['d'])])).not.toEqual(
      Buffer.concat([recordScope('a', 'b'), pathScope(['c', 'd'])]),
    );
  });

  it.each([
    '000-11-2222',
    'hello world',
    '',
    'AAAA',
    '{"a":1}',
    '42',
    'Alice',
    'Bobby',
    'Carol',
    'Dave',
  ])('treats %j as a value that was never sealed', (text) => {
    expect(open(text)).toBe('not-sealed');
  });

  it.each(['AQEB', 'AQEC!!', 'AQECazE'])(
    'reports a bare or damaged header %j as malformed',
    (text) => {
      expect(open(text)).toBe('malformed');
    },
  );

  it('reports an unknown format version as unsupported', () => {
    const sealed = sealText();
    sealed[0] = 2;
    expect(open(sealed.toString('base64url'))).toBe('unsupported');
  });

  it('reports an unknown algorithm suite as unsupported', () => {
    const sealed = sealText();
    sealed[1] = 9;
    expect(open(sealed.toString('base64url'))).toBe('unsupported');
  });

  it('reports invalid base64url after a valid header as malformed', () => {
    const text = sealText().toString('base64url');
    expect(open(`${text.slice(0, 10)}!${text.slice(11)}`)).toBe('malformed');
    expect(open(text.slice(0, text.length - 3) + text.slice(-2))).not.toBeInstanceOf(Buffer);
  });

  it('parses the key id from the header', () => {
    const parsed = parseEnvelope(sealText().toString('base64url')) as ParsedEnvelope;
    expect(parsed.keyId).toBe('k1');
    expect(parsed.nonce).toHaveLength(12);
    expect(parsed.tag).toHaveLength(16);
  });

  it('draws a fresh nonce for every value', () => {
    const nonces = new Set(
      Array.from({ length: 200 }, () =>
        (parseEnvelope(sealText().toString('base64url')) as ParsedEnvelope).nonce.toString('hex'),
      ),
    );
    expect(nonces.size).toBe(200);
  });
});
