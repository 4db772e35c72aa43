import { EncryptedRedisError } from './encrypted-redis.error.js';
import { ErrorCode } from './error-codes.js';
import { messages } from './error-messages.js';

/** The module options are invalid. Thrown at startup. */
export class ConfigurationError extends EncryptedRedisError {
  constructor(problem: string) {
    super(ErrorCode.Configuration, messages.configuration(problem));
  }
}
