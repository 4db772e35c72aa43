import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/** What the fake answers with when a request cannot be served; becomes a `__type` error body. */
export class FakeKmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export type FakeKeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';

/** One symmetric key held by the fake: its id, ARN, aliases, state and 32 bytes of material. */
export interface FakeKey {
  readonly id: string;
  readonly arn: string;
  readonly aliases: Set<string>;
  state: FakeKeyState;
  readonly material: Buffer;
}

const MAGIC = Buffer.from('FKMS', 'latin1');
const BLOB_VERSION = 1;
const UUID_LENGTH = 36;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;

/** A UUID-shaped id derived from a name, so that a restarted fake gives an alias the same key. */
function uuidFrom(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The encryption context in one canonical form: sorted keys, as JSON. */
function canonicalContext(context: Readonly<Record<string, string>> | undefined): Buffer {
  const entries = Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Buffer.from(JSON.stringify(entries), 'utf8');
}

/**
 * Keys of the fake KMS. Ciphertext blobs are `FKMS | 1 | key uuid | nonce |
 * AES-256-GCM ciphertext | tag`, with the encryption context and the key id as
 * associated data, so a blob only opens under the same key and context, as with
 * real KMS. Key material is derived from `seed` and the key id.
 */
export class FakeKmsKeys {
  readonly #keys = new Map<string, FakeKey>();
  readonly #aliases = new Map<string, FakeKey>();

  constructor(
    private readonly seed: Buffer,
    readonly region: string,
    readonly account: string,
  ) {}

  /** Creates a key (named by `alias/...` when given, same id on every run) and returns its ARN. */
  create(alias?: string): string {
    if (alias !== undefined && this.#aliases.has(alias)) return this.#aliases.get(alias)!.arn;
    const id = alias === undefined ? uuidFrom(randomBytes(16).toString('hex')) : uuidFrom(alias);
    const key: FakeKey = {
      id,
      arn: `arn:aws:kms:${this.region}:${this.account}:key/${id}`,
      aliases: new Set(),
      state: 'Enabled',
      material: Buffer.from(hkdfSync('sha256', this.seed, id, 'fake-kms key', 32)),
    };
    this.#keys.set(id, key);
    if (alias !== undefined) {
      if (!alias.startsWith('alias/')) throw new Error('an alias starts with "alias/"');
      key.aliases.add(alias);
      this.#aliases.set(alias, key);
    }
    return key.arn;
  }

  /** The key a KeyId names: key id, key ARN, alias name or alias ARN. */
  resolve(keyId: string | undefined): FakeKey {
    if (keyId === undefined || keyId === '') {
      throw new FakeKmsError('ValidationException', 'KeyId is required');
    }
    const aliasArn = /^arn:aws:kms:[^:]+:\d+:(alias\/.+)$/.exec(keyId);
    const keyArn = /^arn:aws:kms:[^:]+:\d+:key\/(.+)$/.exec(keyId);
    const found = aliasArn
      ? this.#aliases.get(aliasArn[1]!)
      : keyArn
        ? this.#keys.get(keyArn[1]!)
        : keyId.startsWith('alias/')
          ? this.#aliases.get(keyId)
          : this.#keys.get(keyId);
    if (found === undefined) {
      throw new FakeKmsError('NotFoundException', `Key '${keyId}' does not exist`);
    }
    return found;
  }

  /** Like `resolve`, and refuses keys that cannot be used for cryptography. */
  usable(keyId: string | undefined): FakeKey {
    const key = this.resolve(keyId);
    if (key.state === 'Disabled')
      throw new FakeKmsError('DisabledException', `${key.arn} is disabled.`);
    if (key.state === 'PendingDeletion') {
      throw new FakeKmsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    }
    return key;
  }

  encrypt(key: FakeKey, plaintext: Buffer, context?: Record<string, string>): Buffer {
    const nonce = randomBytes(NONCE_LENGTH);
    const header = Buffer.concat([
      MAGIC,
      Buffer.from([BLOB_VERSION]),
      Buffer.from(key.id, 'latin1'),
    ]);
    const cipher = createCipheriv('aes-256-gcm', key.material, nonce);
    cipher.setAAD(Buffer.concat([header, canonicalContext(context)]));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([header, nonce, body, cipher.getAuthTag()]);
  }

  /** Opens a blob; refuses it unless the context matches and `expectedKeyId` (if any) is its key. */
  decrypt(
    blob: Buffer,
    context: Record<string, string> | undefined,
    expectedKeyId?: string,
  ): { key: FakeKey; plaintext: Buffer } {
    const headerLength = MAGIC.length + 1 + UUID_LENGTH;
    if (
      blob.length < headerLength + NONCE_LENGTH + TAG_LENGTH ||
      !blob.subarray(0, MAGIC.length).equals(MAGIC) ||
      blob[MAGIC.length] !== BLOB_VERSION
    ) {
      throw new FakeKmsError('InvalidCiphertextException', 'The ciphertext is invalid.');
    }
    const keyId = blob.subarray(MAGIC.length + 1, headerLength).toString('latin1');
    const key = this.usable(keyId);
    if (expectedKeyId !== undefined && this.resolve(expectedKeyId).id !== key.id) {
      throw new FakeKmsError(
        'IncorrectKeyException',
        'The key ID in the request does not identify the key that encrypted the ciphertext.',
      );
    }
    const nonce = blob.subarray(headerLength, headerLength + NONCE_LENGTH);
    const body = blob.subarray(headerLength + NONCE_LENGTH, blob.length - TAG_LENGTH);
    const decipher = createDecipheriv('aes-256-gcm', key.material, nonce);
    decipher.setAAD(Buffer.concat([blob.subarray(0, headerLength), canonicalContext(context)]));
    decipher.setAuthTag(blob.subarray(blob.length - TAG_LENGTH));
    try {
      return { key, plaintext: Buffer.concat([decipher.update(body), decipher.final()]) };
    } catch {
      throw new FakeKmsError('InvalidCiphertextException', 'The ciphertext is invalid.');
    }
  }
}
