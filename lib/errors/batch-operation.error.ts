import { EncryptedRedisError } from './encrypted-redis.error.js';
import { ErrorCode } from './error-codes.js';
import { messages } from './error-messages.js';

/** One failed item of a batch call. */
export interface BatchFailure {
  /** Position of the item in the input. */
  readonly index: number;
  /** The item's id, when it could be read. */
  readonly id?: string;
  readonly error: Error;
}

/**
 * Some items of a batch call failed. `failures` names each; `results` holds the
 * outcome of every item in input order (`undefined` where it failed).
 */
export class BatchOperationError<R = unknown> extends EncryptedRedisError {
  constructor(
    readonly operation: string,
    readonly failures: readonly BatchFailure[],
    readonly results: readonly (R | undefined)[],
  ) {
    const first = failures[0];
    const described = first === undefined ? 'none' : `item ${first.index}: ${first.error.message}`;
    super(ErrorCode.Batch, messages.batch(operation, failures.length, results.length, described));
  }
}
