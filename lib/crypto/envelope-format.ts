/**
 * The sealed-value envelope, version 1 (see docs/envelope.md):
 *
 *   version (1) | suite (1) | key id length (1) | key id | nonce (12) | ciphertext | tag (16)
 *
 * stored as unpadded base64url text.
 */
export const FORMAT_VERSION = 1;
/** AES-256-GCM under an HKDF-SHA256 subkey per keyspace, 96-bit random nonce, 128-bit tag. */
export const SUITE_AES_256_GCM_HKDF_SHA256 = 1;
export const NONCE_LENGTH = 12;
export const TAG_LENGTH = 16;
/** Smallest payload: one value-type byte. */
const MIN_PAYLOAD_LENGTH = 1;
/** Versions and suites 1 to 15 are reserved for envelopes; other first bytes are not envelopes. */
const MAX_RESERVED_VERSION = 15;

export interface ParsedEnvelope {
  readonly version: number;
  readonly suite: number;
  readonly keyId: string;
  /** version, suite and key id bytes: the first part of the associated data. */
  readonly header: Buffer;
  readonly nonce: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

/** Why a stored text could not be parsed as an envelope. */
export type EnvelopeProblem =
  | { readonly kind: 'not-sealed' }
  | { readonly kind: 'malformed'; readonly reason: string }
  | { readonly kind: 'unsupported'; readonly detail: string };

const headerCache = new Map<string, Buffer>();

/** The header bytes for a key id (cached: key ids are few). */
export function envelopeHeader(keyId: string): Buffer {
  let header = headerCache.get(keyId);
  if (header === undefined) {
    const id = Buffer.from(keyId, 'ascii');
    header = Buffer.concat([
      Buffer.from([FORMAT_VERSION, SUITE_AES_256_GCM_HKDF_SHA256, id.length]),
      id,
    ]);
    headerCache.set(keyId, header);
  }
  return header;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** The 6-bit value of a base64url character code, or -1. */
function sextet(code: number): number {
  if (code >= 65 && code <= 90) return code - 65;
  if (code >= 97 && code <= 122) return code - 71;
  if (code >= 48 && code <= 57) return code + 4;
  return code === 45 ? 62 : code === 95 ? 63 : -1;
}

const MAX_KEY_ID_LENGTH = 64;

/** Whether a byte may appear in a key id: `A-Z a-z 0-9 . _ -`. */
function isKeyIdByte(byte: number): boolean {
  return (
    (byte >= 65 && byte <= 90) ||
    (byte >= 97 && byte <= 122) ||
    (byte >= 48 && byte <= 57) ||
    byte === 46 ||
    byte === 95 ||
    byte === 45
  );
}

/**
 * True when `text` starts like an envelope: its first three bytes are a
 * version and a suite in the reserved range 1 to 15 and a key id length of
 * 1 to 64. Clear text practically never does ("Alice" decodes to a suite byte
 * of 88); real envelopes always do, whatever damage follows the header.
 */
export function looksSealed(text: string): boolean {
  if (text.length < 4) return false;
  const c = [0, 1, 2, 3].map((i) => sextet(text.charCodeAt(i)));
  if (c.some((value) => value < 0)) return false;
  const version = (c[0]! << 2) | (c[1]! >> 4);
  const suite = ((c[1]! & 15) << 4) | (c[2]! >> 2);
  const keyIdLength = ((c[2]! & 3) << 6) | c[3]!;
  return (
    version >= 1 &&
    version <= MAX_RESERVED_VERSION &&
    suite >= 1 &&
    suite <= MAX_RESERVED_VERSION &&
    keyIdLength >= 1 &&
    keyIdLength <= MAX_KEY_ID_LENGTH
  );
}

/**
 * Parses stored text into envelope parts, checking every length before any
 * decryption. Text that does not start with a plausible header (including
 * key id characters) is `not-sealed`; an envelope damaged after its header is
 * `malformed`; a later format version or suite is `unsupported`.
 */
export function parseEnvelope(text: string): ParsedEnvelope | EnvelopeProblem {
  if (!looksSealed(text)) return { kind: 'not-sealed' };
  const bytes = Buffer.from(text, 'base64url');
  const headerLength = 3 + bytes[2]!;
  for (let i = 3; i < Math.min(headerLength, bytes.length); i++) {
    if (!isKeyIdByte(bytes[i]!)) return { kind: 'not-sealed' };
  }
  if (!BASE64URL.test(text) || text.length % 4 === 1) {
    return { kind: 'malformed', reason: 'the envelope is not valid base64url' };
  }
  const version = bytes[0]!;
  if (version !== FORMAT_VERSION) {
    return { kind: 'unsupported', detail: `it uses envelope format version ${version}` };
  }
  const suite = bytes[1]!;
  if (suite !== SUITE_AES_256_GCM_HKDF_SHA256) {
    return { kind: 'unsupported', detail: `it uses algorithm suite ${suite}` };
  }
  if (bytes.length < headerLength + NONCE_LENGTH + MIN_PAYLOAD_LENGTH + TAG_LENGTH) {
    return { kind: 'malformed', reason: 'the envelope is truncated' };
  }
  const keyId = bytes.toString('latin1', 3, headerLength);
  const tagStart = bytes.length - TAG_LENGTH;
  return {
    version,
    suite,
    keyId,
    header: bytes.subarray(0, headerLength),
    nonce: bytes.subarray(headerLength, headerLength + NONCE_LENGTH),
    ciphertext: bytes.subarray(headerLength + NONCE_LENGTH, tagStart),
    tag: bytes.subarray(tagStart),
  };
}

export function isEnvelopeProblem(
  parsed: ParsedEnvelope | EnvelopeProblem,
): parsed is EnvelopeProblem {
  return 'kind' in parsed;
}
