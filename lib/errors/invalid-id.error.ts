import { EncryptedRedisError } from './encrypted-redis.error.js';
import { ErrorCode } from './error-codes.js';
import { messages } from './error-messages.js';

/** An entity id is missing, empty, too long or of the wrong type. */
export class InvalidIdError extends EncryptedRedisError {
  constructor(
    readonly entity: string,
    problem: string,
  ) {
    super(ErrorCode.InvalidId, messages.invalidId(entity, problem));
  }
}
