import { randomBytes } from 'node:crypto';
import { FakeKmsError, type FakeKmsKeys } from './fake-kms-keys.js';

/** The KMS operations the fake serves (AWS JSON 1.1, `X-Amz-Target: TrentService.<name>`). */
export type FakeKmsOperation =
  'GenerateDataKey' | 'Decrypt' | 'Encrypt' | 'ReEncrypt' | 'DescribeKey';

/** A request or answer body of the JSON 1.1 protocol; blobs are base64 text. */
export type Body = Record<string, unknown>;

export type FakeKmsHandler = (body: Body) => Body;

function blob(body: Body, name: string): Buffer {
  const value = body[name];
  if (typeof value !== 'string')
    throw new FakeKmsError('ValidationException', `${name} is required`);
  return Buffer.from(value, 'base64');
}

function context(body: Body, name = 'EncryptionContext'): Record<string, string> | undefined {
  return body[name] as Record<string, string> | undefined;
}

function optionalString(body: Body, name: string): string | undefined {
  return typeof body[name] === 'string' ? body[name] : undefined;
}

/** How the fake answers each operation, as KMS does (key bytes zeroed once encoded). */
export function fakeKmsHandlers(keys: FakeKmsKeys): Record<FakeKmsOperation, FakeKmsHandler> {
  return {
    GenerateDataKey: (body) => {
      const key = keys.usable(optionalString(body, 'KeyId'));
      const length = body.KeySpec === 'AES_128' ? 16 : ((body.NumberOfBytes as number) ?? 32);
      const plaintext = randomBytes(length);
      const ciphertext = keys.encrypt(key, plaintext, context(body));
      const answer = {
        KeyId: key.arn,
        CiphertextBlob: ciphertext.toString('base64'),
        Plaintext: plaintext.toString('base64'),
      };
      plaintext.fill(0);
      return answer;
    },
    Decrypt: (body) => {
      const opened = keys.decrypt(
        blob(body, 'CiphertextBlob'),
        context(body),
        optionalString(body, 'KeyId'),
      );
      const answer = {
        KeyId: opened.key.arn,
        Plaintext: opened.plaintext.toString('base64'),
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
      opened.plaintext.fill(0);
      return answer;
    },
    Encrypt: (body) => {
      const key = keys.usable(optionalString(body, 'KeyId'));
      const plaintext = blob(body, 'Plaintext');
      const ciphertext = keys.encrypt(key, plaintext, context(body));
      plaintext.fill(0);
      return { KeyId: key.arn, CiphertextBlob: ciphertext.toString('base64') };
    },
    ReEncrypt: (body) => {
      const opened = keys.decrypt(
        blob(body, 'CiphertextBlob'),
        context(body, 'SourceEncryptionContext'),
        optionalString(body, 'SourceKeyId'),
      );
      const destination = keys.usable(optionalString(body, 'DestinationKeyId'));
      const ciphertext = keys.encrypt(
        destination,
        opened.plaintext,
        context(body, 'DestinationEncryptionContext'),
      );
      opened.plaintext.fill(0);
      return {
        CiphertextBlob: ciphertext.toString('base64'),
        SourceKeyId: opened.key.arn,
        KeyId: destination.arn,
      };
    },
    DescribeKey: (body) => {
      const key = keys.resolve(optionalString(body, 'KeyId'));
      return {
        KeyMetadata: {
          KeyId: key.id,
          Arn: key.arn,
          Enabled: key.state === 'Enabled',
          KeyState: key.state,
          KeyUsage: 'ENCRYPT_DECRYPT',
          KeySpec: 'SYMMETRIC_DEFAULT',
        },
      };
    },
  };
}
