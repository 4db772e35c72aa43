import { ConfigurationError } from '../errors/configuration.error.js';
import type { KmsKeyRingOptions } from './kms-key-ring-options.interface.js';

/** Environment variables read by {@link kmsKeyRingOptionsFromEnv}. */
export const KMS_ENV = {
  /** KMS key id, key ARN or alias that wraps data keys. Setting it selects the KMS key ring. */
  keyId: 'ENCRYPTED_REDIS_KMS_KEY_ID',
  /** A custom KMS endpoint (local emulator, VPC endpoint). */
  endpoint: 'ENCRYPTED_REDIS_KMS_ENDPOINT',
  /** Application name in the encryption context. */
  application: 'ENCRYPTED_REDIS_KMS_APPLICATION',
  /** Registry (key ring) name. */
  ringName: 'ENCRYPTED_REDIS_KMS_RING',
  /** Cache maximum age, in milliseconds. */
  maxAgeMs: 'ENCRYPTED_REDIS_KMS_MAX_AGE_MS',
  /** Values sealed per data key. */
  maxUses: 'ENCRYPTED_REDIS_KMS_MAX_USES',
  /** Attempts per KMS call. */
  maxAttempts: 'ENCRYPTED_REDIS_KMS_MAX_ATTEMPTS',
  /** AWS region; the SDK also reads `AWS_REGION` itself. */
  region: 'AWS_REGION',
} as const;

function integer(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigurationError(
      `${name} must be a positive integer (got ${JSON.stringify(text)})`,
    );
  }
  return value;
}

function text(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** True when the environment selects the KMS key ring (`ENCRYPTED_REDIS_KMS_KEY_ID` is set). */
export function kmsConfiguredInEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return text(env, KMS_ENV.keyId) !== undefined;
}

/**
 * KMS key ring options from the environment: `ENCRYPTED_REDIS_KMS_KEY_ID`
 * (required), `AWS_REGION`, `ENCRYPTED_REDIS_KMS_ENDPOINT`,
 * `ENCRYPTED_REDIS_KMS_APPLICATION`, `ENCRYPTED_REDIS_KMS_RING`,
 * `ENCRYPTED_REDIS_KMS_MAX_AGE_MS`, `ENCRYPTED_REDIS_KMS_MAX_USES`,
 * `ENCRYPTED_REDIS_KMS_MAX_ATTEMPTS`. Credentials come from the AWS SDK's
 * default chain (`AWS_ACCESS_KEY_ID`, profiles, instance roles, ...).
 * Redis and the key prefix are not read here: add `redis` (and `keyPrefix`).
 */
export function kmsKeyRingOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): KmsKeyRingOptions {
  const keyId = text(env, KMS_ENV.keyId);
  if (keyId === undefined) {
    throw new ConfigurationError(
      `${KMS_ENV.keyId} is not set; give the KMS key id, ARN or alias that wraps data keys`,
    );
  }
  const region = text(env, KMS_ENV.region) ?? text(env, 'AWS_DEFAULT_REGION');
  const endpoint = text(env, KMS_ENV.endpoint);
  const application = text(env, KMS_ENV.application);
  const ringName = text(env, KMS_ENV.ringName);
  const maxAttempts = integer(env, KMS_ENV.maxAttempts);
  const maxAgeMs = integer(env, KMS_ENV.maxAgeMs);
  const maxUses = integer(env, KMS_ENV.maxUses);
  return {
    keyId,
    ...(region === undefined ? {} : { region }),
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(application === undefined ? {} : { application }),
    ...(ringName === undefined ? {} : { ringName }),
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
    cache: {
      ...(maxAgeMs === undefined ? {} : { maxAgeMs }),
      ...(maxUses === undefined ? {} : { maxUses }),
    },
  };
}
