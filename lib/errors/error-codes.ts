/**
 * Stable error codes. Each exported error class carries one of these in `code`;
 * they never change meaning between releases.
 */
export const ErrorCode = {
  Configuration: 'ERR_CONFIGURATION',
  KeyConfiguration: 'ERR_KEY_CONFIGURATION',
  EntityDefinition: 'ERR_ENTITY_DEFINITION',
  UnsupportedValue: 'ERR_UNSUPPORTED_VALUE',
  InvalidId: 'ERR_INVALID_ID',
  Integrity: 'ERR_INTEGRITY',
  NotEncrypted: 'ERR_NOT_ENCRYPTED',
  UnsupportedEnvelope: 'ERR_UNSUPPORTED_ENVELOPE',
  UnknownKey: 'ERR_UNKNOWN_KEY',
  RetiredKey: 'ERR_RETIRED_KEY',
  KeyUnavailable: 'ERR_KEY_UNAVAILABLE',
  KeyService: 'ERR_KEY_SERVICE',
  InvalidStoredValue: 'ERR_INVALID_STORED_VALUE',
  EntityNotFound: 'ERR_ENTITY_NOT_FOUND',
  EntityExists: 'ERR_ENTITY_EXISTS',
  ConcurrentModification: 'ERR_CONCURRENT_MODIFICATION',
  Batch: 'ERR_BATCH',
  Replication: 'ERR_REPLICATION',
  NotIndexed: 'ERR_NOT_INDEXED',
  OperationOptions: 'ERR_OPERATION_OPTIONS',
  Checkpoint: 'ERR_CHECKPOINT',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
