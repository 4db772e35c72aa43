import { ConfigurationError } from '../errors/configuration.error.js';
import type { KmsKeyRingOptions } from './kms-key-ring-options.interface.js';

/** AES-GCM with random 96-bit nonces: at most 2^32 messages per key (NIST SP 800-38D). */
export const GCM_RANDOM_NONCE_LIMIT = 2 ** 32;

/** Defaults of {@link KmsKeyRingOptions}, in one place. */
export const KMS_DEFAULTS = {
  application: 'nest-encrypted-redis',
  ringName: 'default',
  maxAgeMs: 60 * 60 * 1000,
  maxUses: 2 ** 24,
  maxKeys: 1000,
  evictionGraceMs: 10_000,
  maxAttempts: 3,
  retryMode: 'standard',
  connectionTimeoutMs: 1000,
  requestTimeoutMs: 3000,
} as const;

/** Options with every default applied. */
export interface KmsSettings {
  readonly keyId: string;
  readonly application: string;
  readonly ringName: string;
  readonly maxAgeMs: number;
  readonly maxUses: number;
  readonly maxKeys: number;
  readonly evictionGraceMs: number;
  readonly keyPrefix: string;
}

const NAME_PATTERN = /^[A-Za-z0-9._:/-]{1,128}$/;

function positive(name: string, value: number | undefined, fallback: number, max = Infinity) {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    const range = max === Infinity ? 'a positive integer' : `an integer from 1 to ${max}`;
    throw new ConfigurationError(`\`kms.${name}\` must be ${range} (got ${String(value)})`);
  }
  return value;
}

function nonNegative(option: string, value: number | undefined, fallback: number): number {
  return value === 0 ? 0 : positive(option, value, fallback);
}

function name(option: string, value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
    throw new ConfigurationError(
      `\`kms.${option}\` must be 1 to 128 characters of letters, digits and . _ : / -`,
    );
  }
  return value;
}

/** Checks the options and applies the defaults; throws `ConfigurationError` naming the option. */
export function resolveKmsSettings(options: KmsKeyRingOptions): KmsSettings {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('`kms` must be an object with at least `keyId`');
  }
  if (typeof options.keyId !== 'string' || options.keyId.trim() === '') {
    throw new ConfigurationError(
      '`kms.keyId` is required: the KMS key id, key ARN or alias (e.g. "alias/my-app") that wraps data keys',
    );
  }
  if (options.keyPrefix !== undefined && typeof options.keyPrefix !== 'string') {
    throw new ConfigurationError('`kms.keyPrefix` must be a string');
  }
  const retryMode = options.retryMode;
  if (retryMode !== undefined && retryMode !== 'standard' && retryMode !== 'adaptive') {
    throw new ConfigurationError("`kms.retryMode` must be 'standard' or 'adaptive'");
  }
  positive('maxAttempts', options.maxAttempts, KMS_DEFAULTS.maxAttempts, 10);
  positive('connectionTimeoutMs', options.connectionTimeoutMs, 1);
  positive('requestTimeoutMs', options.requestTimeoutMs, 1);
  const cache = options.cache ?? {};
  return {
    keyId: options.keyId.trim(),
    application: name('application', options.application, KMS_DEFAULTS.application),
    ringName: name('ringName', options.ringName, KMS_DEFAULTS.ringName),
    maxAgeMs: positive('cache.maxAgeMs', cache.maxAgeMs, KMS_DEFAULTS.maxAgeMs),
    maxUses: positive('cache.maxUses', cache.maxUses, KMS_DEFAULTS.maxUses, GCM_RANDOM_NONCE_LIMIT),
    maxKeys: positive('cache.maxKeys', cache.maxKeys, KMS_DEFAULTS.maxKeys),
    evictionGraceMs: nonNegative(
      'cache.evictionGraceMs',
      cache.evictionGraceMs,
      KMS_DEFAULTS.evictionGraceMs,
    ),
    keyPrefix: options.keyPrefix ?? '',
  };
}
