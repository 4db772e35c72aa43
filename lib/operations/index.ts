export { parseEntityKey, shortenKey, type EntityKeyParts } from './entity-key.js';
export { checkpointKey, type JobSettings } from './job-checkpoint.js';
export type { ConcurrencyCounts, KeyCounts, SavedTotals } from './job-totals.js';
export {
  collectStatus,
  type KeyIdState,
  type KeyIdStatus,
  type StatusOptions,
  type StatusReport,
} from './key-status.js';
export type { ScanOptions } from './operation-options.js';
export { reencrypt, ReencryptJob, type ReencryptOptions } from './reencrypt-job.js';
export type { JobOutcome, ReencryptProgress, ReencryptReport } from './reencrypt-report.js';
export {
  describeEntity,
  type EntityDescriptor,
  type SealedPathDescriptor,
  type SealedValueType,
} from './schema-descriptor.js';
export {
  publishEntitySchema,
  readEntitySchemas,
  schemaRegistryKey,
  BOOKKEEPING_MARK,
} from './schema-registry.js';
export type { ProblemReason, ValueProblem } from './value-tally.js';
