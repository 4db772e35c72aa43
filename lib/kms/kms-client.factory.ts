import { KMSClient } from '@aws-sdk/client-kms';
import type { KmsConnectionOptions } from './kms-key-ring-options.interface.js';
import { KMS_DEFAULTS } from './kms-settings.js';

/** A KMS client and whether whoever made it must destroy it. */
export interface KmsClientHandle {
  readonly client: KMSClient;
  readonly owned: boolean;
}

/**
 * The configured KMS client, or the one given in `client`. Region and
 * credentials come from the options when set, else from the SDK's default
 * provider chain; retries and timeouts from the options or their defaults.
 */
export function createKmsClient(options: KmsConnectionOptions): KmsClientHandle {
  if (options.client !== undefined) return { client: options.client, owned: false };
  const client = new KMSClient({
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    maxAttempts: options.maxAttempts ?? KMS_DEFAULTS.maxAttempts,
    retryMode: options.retryMode ?? KMS_DEFAULTS.retryMode,
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? KMS_DEFAULTS.connectionTimeoutMs,
      requestTimeout: options.requestTimeoutMs ?? KMS_DEFAULTS.requestTimeoutMs,
    },
  });
  return { client, owned: true };
}
