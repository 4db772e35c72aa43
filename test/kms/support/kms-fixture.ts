import type { Redis } from 'ioredis';
import { KmsKeyRing, type KmsKeyRingOptions } from '../../../lib/index.js';
import { FakeKmsServer } from '../../../sample-app/fake-kms/fake-kms.server.js';

export { FakeKmsServer };

/** Static fake credentials: the fake checks that requests are signed, not by whom. */
export const FAKE_CREDENTIALS = { accessKeyId: 'AKIDFAKEKMS0TEST', secretAccessKey: 'fake-secret' };

export const TEST_ALIAS = 'alias/ner-test';

/** Client options that point the real AWS SDK at the fake. */
export function fakeKmsConnection(
  fake: FakeKmsServer,
): Pick<KmsKeyRingOptions, 'region' | 'endpoint' | 'credentials'> {
  return { region: 'us-east-1', endpoint: fake.endpoint, credentials: FAKE_CREDENTIALS };
}

/** A KMS key ring on the fake, its registry in the test Redis under `keyPrefix`. */
export function fakeKmsRing(
  fake: FakeKmsServer,
  redis: Redis,
  keyPrefix: string,
  options: Partial<KmsKeyRingOptions> = {},
): KmsKeyRing {
  return new KmsKeyRing({
    keyId: TEST_ALIAS,
    ...fakeKmsConnection(fake),
    application: 'ner-tests',
    redis,
    keyPrefix,
    ...options,
  });
}

/** Starts a fake holding `alias/ner-test`. */
export async function startFakeKms(): Promise<FakeKmsServer> {
  const fake = await FakeKmsServer.start({ aliases: [TEST_ALIAS] });
  return fake;
}
