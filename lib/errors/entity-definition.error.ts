import { EncryptedRedisError } from './encrypted-redis.error.js';
import { ErrorCode } from './error-codes.js';
import { messages } from './error-messages.js';

/** An entity class cannot be stored as declared. Thrown when the entity is registered. */
export class EntityDefinitionError extends EncryptedRedisError {
  /**
   * @param target `Class` or `Class.property`
   */
  constructor(
    readonly target: string,
    problem: string,
  ) {
    super(ErrorCode.EntityDefinition, messages.entityDefinition(target, problem));
  }
}
