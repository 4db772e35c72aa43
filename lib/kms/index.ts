export type { DataKeyEntry, DataKeyState } from './data-key-entry.js';
export * from './data-key-maintenance.js';
export { DataKeyRegistry } from './data-key-registry.js';
export * from './encryption-context.js';
export * from './kms-key-ring-options.interface.js';
export * from './kms-key-ring.js';
export * from './kms-options-from-env.js';
export { GCM_RANDOM_NONCE_LIMIT, KMS_DEFAULTS } from './kms-settings.js';
