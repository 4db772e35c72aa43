import type { Redis } from 'ioredis';
import type { KmsKeyRing } from '../../../lib/index.js';
import type { FakeKmsServer } from '../../../sample-app/fake-kms/fake-kms.server.js';

/**
 * Every text form of every data key in the ring's registry: the clear bytes
 * (opened with the fake's own key material) and the wrapped blob. None may
 * appear in a log line or an error.
 */
export async function dataKeySecrets(
  fake: FakeKmsServer,
  redis: Redis,
  ring: KmsKeyRing,
): Promise<string[]> {
  const entries = await redis.hgetall(ring.registry.key);
  const secrets: string[] = [];
  for (const [id, text] of Object.entries(entries)) {
    const { blob } = JSON.parse(text) as { blob?: string };
    if (blob === undefined) continue;
    const { plaintext } = fake.keys.decrypt(Buffer.from(blob, 'base64'), {
      ...ring.contextFor(id),
    });
    secrets.push(
      blob,
      Buffer.from(blob, 'base64').toString('hex'),
      plaintext.toString('base64'),
      plaintext.toString('base64url'),
      plaintext.toString('hex'),
    );
  }
  return secrets;
}
