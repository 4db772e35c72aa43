import { EncryptedRedisError } from './encrypted-redis.error.js';
import { ErrorCode } from './error-codes.js';
import { messages } from './error-messages.js';

/** A value cannot be stored without losing its type. Thrown by writes before anything is sent. */
export class UnsupportedValueError extends EncryptedRedisError {
  /**
   * @param target `Class.path`, for example `Patient.addresses[0].zip`
   */
  constructor(
    readonly target: string,
    problem: string,
  ) {
    super(ErrorCode.UnsupportedValue, messages.unsupportedValue(target, problem));
  }
}
