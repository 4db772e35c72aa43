import {
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  ReEncryptCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { Logger } from '@nestjs/common';
import { KeyServiceError } from '../errors/key-service.error.js';
import { DataKey, KEY_LENGTH } from '../keys/data-key.js';
import type { EncryptionContext } from './encryption-context.js';
import { attemptsOf, kmsFailure } from './kms-failure.js';

/** A data key as KMS wrapped it: the ciphertext blob and the ARN of the KMS key that wrapped it. */
export interface WrappedKey {
  readonly blob: Uint8Array;
  readonly kmsKeyArn: string;
}

interface Metadata {
  readonly $metadata: { readonly attempts?: number; readonly totalRetryDelay?: number };
}

/** Zeroes exactly the bytes of a view (never the rest of the buffer it may share). */
function zero(view: Uint8Array | undefined): void {
  view?.fill(0);
}

function required<V>(value: V | undefined, field: string, operation: string, id: string): V {
  if (value === undefined) {
    throw new KeyServiceError(id, `KMS ${operation} answered without ${field}`);
  }
  return value;
}

/**
 * The KMS calls of the key ring. Key bytes from a response are copied out
 * exactly (whatever view of a larger buffer the SDK returns) and the
 * response's copy is zeroed. Failures become `KeyUnavailableError` or
 * `KeyServiceError`; retries done by the SDK are logged with their count.
 */
export class KmsGateway {
  private readonly logger = new Logger(KmsGateway.name);

  constructor(readonly client: KMSClient) {}

  /** A new 256-bit data key from `GenerateDataKey`, in clear (as a DataKey) and wrapped. */
  async generate(
    kmsKeyId: string,
    dataKeyId: string,
    context: EncryptionContext,
  ): Promise<{ key: DataKey; wrapped: WrappedKey }> {
    const answer = await this.call('GenerateDataKey', dataKeyId, () =>
      this.client.send(
        new GenerateDataKeyCommand({
          KeyId: kmsKeyId,
          KeySpec: 'AES_256',
          EncryptionContext: { ...context },
        }),
      ),
    );
    try {
      const plaintext = required(answer.Plaintext, 'Plaintext', 'GenerateDataKey', dataKeyId);
      const wrapped = {
        blob: Uint8Array.from(
          required(answer.CiphertextBlob, 'CiphertextBlob', 'GenerateDataKey', dataKeyId),
        ),
        kmsKeyArn: required(answer.KeyId, 'KeyId', 'GenerateDataKey', dataKeyId),
      };
      return { key: this.dataKey(dataKeyId, plaintext, 'GenerateDataKey'), wrapped };
    } finally {
      zero(answer.Plaintext);
    }
  }

  /** The data key in clear, from `Decrypt` of its wrapped form. */
  async unwrap(
    dataKeyId: string,
    wrapped: WrappedKey,
    context: EncryptionContext,
  ): Promise<DataKey> {
    const answer = await this.decrypt(dataKeyId, wrapped, context);
    try {
      const plaintext = required(answer.Plaintext, 'Plaintext', 'Decrypt', dataKeyId);
      return this.dataKey(dataKeyId, plaintext, 'Decrypt');
    } finally {
      zero(answer.Plaintext);
    }
  }

  /** `Decrypt` of a wrapped data key under the context it was generated with. */
  private decrypt(dataKeyId: string, wrapped: WrappedKey, context: EncryptionContext) {
    return this.call('Decrypt', dataKeyId, () =>
      this.client.send(
        new DecryptCommand({
          CiphertextBlob: wrapped.blob,
          KeyId: wrapped.kmsKeyArn,
          EncryptionContext: { ...context },
        }),
      ),
    );
  }

  /** Wraps a data key again under `destinationKeyId` with `ReEncrypt`; it never leaves KMS in clear. */
  async reEncrypt(
    dataKeyId: string,
    wrapped: WrappedKey,
    context: EncryptionContext,
    destinationKeyId: string,
  ): Promise<WrappedKey> {
    const answer = await this.call('ReEncrypt', dataKeyId, () =>
      this.client.send(
        new ReEncryptCommand({
          CiphertextBlob: wrapped.blob,
          SourceKeyId: wrapped.kmsKeyArn,
          SourceEncryptionContext: { ...context },
          DestinationKeyId: destinationKeyId,
          DestinationEncryptionContext: { ...context },
        }),
      ),
    );
    return {
      blob: Uint8Array.from(
        required(answer.CiphertextBlob, 'CiphertextBlob', 'ReEncrypt', dataKeyId),
      ),
      kmsKeyArn: required(answer.KeyId, 'KeyId', 'ReEncrypt', dataKeyId),
    };
  }

  /**
   * Wraps a data key again under `destinationKeyId` with `Decrypt` then
   * `Encrypt`, for principals allowed those but not `ReEncrypt`. The clear
   * bytes are zeroed as soon as `Encrypt` has them.
   */
  async decryptThenEncrypt(
    dataKeyId: string,
    wrapped: WrappedKey,
    context: EncryptionContext,
    destinationKeyId: string,
  ): Promise<WrappedKey> {
    const opened = await this.decrypt(dataKeyId, wrapped, context);
    try {
      const plaintext = required(opened.Plaintext, 'Plaintext', 'Decrypt', dataKeyId);
      const answer = await this.call('Encrypt', dataKeyId, () =>
        this.client.send(
          new EncryptCommand({
            KeyId: destinationKeyId,
            Plaintext: plaintext,
            EncryptionContext: { ...context },
          }),
        ),
      );
      return {
        blob: Uint8Array.from(
          required(answer.CiphertextBlob, 'CiphertextBlob', 'Encrypt', dataKeyId),
        ),
        kmsKeyArn: required(answer.KeyId, 'KeyId', 'Encrypt', dataKeyId),
      };
    } finally {
      zero(opened.Plaintext);
    }
  }

  private dataKey(dataKeyId: string, plaintext: Uint8Array, operation: string): DataKey {
    if (plaintext.byteLength !== KEY_LENGTH) {
      throw new KeyServiceError(
        dataKeyId,
        `KMS ${operation} returned ${plaintext.byteLength} key bytes instead of ${KEY_LENGTH}`,
      );
    }
    return new DataKey(dataKeyId, plaintext);
  }

  /** Runs one SDK call; logs the retries it needed and maps its failure. */
  private async call<R extends Metadata>(
    operation: string,
    dataKeyId: string,
    send: () => Promise<R>,
  ): Promise<R> {
    let answer: R;
    try {
      answer = await send();
    } catch (error) {
      const failure = kmsFailure(error, operation, dataKeyId);
      const attempts = attemptsOf(error);
      this.logger.error(
        `KMS ${operation} for data key "${dataKeyId}" failed after ${attempts} attempt(s): ` +
          `${(error as Error).name} (${failure.retriable ? 'retriable' : 'not retriable'})`,
      );
      throw failure;
    }
    const attempts = answer.$metadata.attempts ?? 1;
    if (attempts > 1) {
      this.logger.warn(
        `KMS ${operation} for data key "${dataKeyId}" succeeded after ${attempts} attempts ` +
          `(${answer.$metadata.totalRetryDelay ?? 0} ms of backoff)`,
      );
    }
    return answer;
  }
}
