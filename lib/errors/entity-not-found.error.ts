import { EncryptedRedisError } from './encrypted-redis.error.js';
import { ErrorCode } from './error-codes.js';
import { messages } from './error-messages.js';

/** `update` or `findByIdOrFail` was called for an id that does not exist. */
export class EntityNotFoundError extends EncryptedRedisError {
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(ErrorCode.EntityNotFound, messages.entityNotFound(entity, id));
  }
}
