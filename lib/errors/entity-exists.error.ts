import { EncryptedRedisError } from './encrypted-redis.error.js';
import { ErrorCode } from './error-codes.js';
import { messages } from './error-messages.js';

/** `insert` was called for an id that already exists. */
export class EntityExistsError extends EncryptedRedisError {
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(ErrorCode.EntityExists, messages.entityExists(entity, id));
  }
}
