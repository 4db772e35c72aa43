import { EncryptedRedisError } from './encrypted-redis.error.js';
import { ErrorCode } from './error-codes.js';
import { messages } from './error-messages.js';

/** An operation (re-encryption, status) was given invalid options. Thrown before any I/O. */
export class OperationOptionsError extends EncryptedRedisError {
  constructor(
    readonly operation: string,
    problem: string,
  ) {
    super(ErrorCode.OperationOptions, messages.operationOptions(operation, problem));
  }
}
