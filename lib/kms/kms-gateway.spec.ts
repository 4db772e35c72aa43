import type { KMSClient } from '@aws-sdk/client-kms';
import { randomBytes } from 'node:crypto';
import { KeyServiceError } from '../errors/key-service.error.js';
import { KeyUnavailableError } from '../errors/key-unavailable.error.js';
import { DataKey } from '../keys/data-key.js';
import { KmsGateway } from './kms-gateway.js';

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

const CONTEXT = { application: 'app', keyRing: 'default', dataKeyId: 'abcd1234' };
const ARN = 'arn:aws:kms:us-east-1:111122223333:key/k';

/** A client whose `send` answers with `answer`, as the SDK would. */
function clientAnswering(answer: unknown): KMSClient {
  return { send: () => Promise.resolve(answer) } as unknown as KMSClient;
}

/** A client whose `send` fails with `error`. */
function clientFailing(error: Error): KMSClient {
  return { send: () => Promise.reject(error) } as unknown as KMSClient;
}

describe('KmsGateway', () => {
  it('copies exactly the key bytes of a Plaintext view into a larger buffer, then zeroes that view only', async () => {
    const pool = Buffer.alloc(96, 0xaa);
    const bytes = randomBytes(32);
    bytes.copy(pool, 40);
    const view = new Uint8Array(pool.buffer, pool.byteOffset + 40, 32);
    const gateway = new KmsGateway(
      clientAnswering({
        Plaintext: view,
        CiphertextBlob: Buffer.from('wrapped'),
        KeyId: ARN,
        $metadata: { attempts: 1 },
      }),
    );
    const { key, wrapped } = await gateway.generate('alias/x', 'abcd1234', CONTEXT);
    expect(key.sameMaterialAs(new DataKey('other', bytes))).toBe(true);
    expect(view.every((byte) => byte === 0)).toBe(true);
    expect(pool.subarray(0, 40).every((byte) => byte === 0xaa)).toBe(true);
    expect(pool.subarray(72).every((byte) => byte === 0xaa)).toBe(true);
    expect(wrapped.kmsKeyArn).toBe(ARN);
  });

  it('zeroes the Plaintext of Decrypt and refuses one that is not 32 bytes', async () => {
    const short = randomBytes(31);
    const gateway = new KmsGateway(
      clientAnswering({ Plaintext: short, KeyId: ARN, $metadata: {} }),
    );
    const wrapped = { blob: Buffer.from('w'), kmsKeyArn: ARN };
    await expect(gateway.unwrap('abcd1234', wrapped, CONTEXT)).rejects.toThrow(KeyServiceError);
    expect(short.every((byte) => byte === 0)).toBe(true);
  });

  it('maps throttling and server faults to KeyUnavailableError and refusals to KeyServiceError', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, attempts: 3 },
    });
    const denied = Object.assign(new Error('not allowed'), {
      name: 'AccessDeniedException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const wrapped = { blob: Buffer.from('w'), kmsKeyArn: ARN };
    const failing = (error: Error) => new KmsGateway(clientFailing(error));
    const slow = await rejectionOf(failing(throttled).unwrap('abcd1234', wrapped, CONTEXT));
    expect(slow).toBeInstanceOf(KeyUnavailableError);
    expect(slow.message).toContain('ThrottlingException after 3 attempts');
    const no = await rejectionOf(failing(denied).unwrap('abcd1234', wrapped, CONTEXT));
    expect(no).toBeInstanceOf(KeyServiceError);
    expect(no.message).toContain('IAM');
    await expect(failing(refused).unwrap('abcd1234', wrapped, CONTEXT)).rejects.toThrow(
      KeyUnavailableError,
    );
  });
});
