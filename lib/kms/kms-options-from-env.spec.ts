import { ConfigurationError } from '../errors/configuration.error.js';
import { kmsKeyRingOptionsFromEnv } from './kms-options-from-env.js';
import { resolveKmsSettings } from './kms-settings.js';

describe('kmsKeyRingOptionsFromEnv', () => {
  it('reads the key, region, endpoint, names and limits', () => {
    expect(
      kmsKeyRingOptionsFromEnv({
        ENCRYPTED_REDIS_KMS_KEY_ID: 'alias/app',
        AWS_REGION: 'eu-west-1',
        ENCRYPTED_REDIS_KMS_ENDPOINT: 'http://127.0.0.1:4599',
        ENCRYPTED_REDIS_KMS_APPLICATION: 'patients',
        ENCRYPTED_REDIS_KMS_RING: 'main',
        ENCRYPTED_REDIS_KMS_MAX_AGE_MS: '60000',
        ENCRYPTED_REDIS_KMS_MAX_USES: '1000',
        ENCRYPTED_REDIS_KMS_MAX_ATTEMPTS: '5',
      }),
    ).toEqual({
      keyId: 'alias/app',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4599',
      application: 'patients',
      ringName: 'main',
      maxAttempts: 5,
      cache: { maxAgeMs: 60000, maxUses: 1000 },
    });
  });

  it('says which variable is missing or malformed', () => {
    expect(() => kmsKeyRingOptionsFromEnv({})).toThrow(/ENCRYPTED_REDIS_KMS_KEY_ID/);
    expect(() =>
      kmsKeyRingOptionsFromEnv({
        ENCRYPTED_REDIS_KMS_KEY_ID: 'k',
        ENCRYPTED_REDIS_KMS_MAX_USES: '-1',
      }),
    ).toThrow(/ENCRYPTED_REDIS_KMS_MAX_USES/);
  });
});

describe('resolveKmsSettings', () => {
  it('applies the defaults', () => {
    expect(resolveKmsSettings({ keyId: 'alias/app' })).toEqual({
      keyId: 'alias/app',
      application: 'nest-encrypted-redis',
      ringName: 'default',
      maxAgeMs: 3_600_000,
      maxUses: 2 ** 24,
      maxKeys: 1000,
      evictionGraceMs: 10_000,
      keyPrefix: '',
    });
  });

  it('refuses a missing key id, a use limit past the GCM nonce bound and a bad retry mode', () => {
    expect(() => resolveKmsSettings({ keyId: ' ' })).toThrow(ConfigurationError);
    expect(() => resolveKmsSettings({ keyId: 'k', cache: { maxUses: 2 ** 32 + 1 } })).toThrow(
      /kms\.cache\.maxUses/,
    );
    expect(() =>
      resolveKmsSettings({ keyId: 'k', retryMode: 'legacy' as unknown as 'standard' }),
    ).toThrow(/retryMode/);
  });
});
