import { EncryptedRedisError } from './encrypted-redis.error.js';
import { ErrorCode } from './error-codes.js';
import { messages } from './error-messages.js';

/** An optimistic update lost every race against concurrent writers. */
export class ConcurrentModificationError extends EncryptedRedisError {
  constructor(
    readonly entity: string,
    readonly id: string,
    readonly attempts: number,
  ) {
    super(ErrorCode.ConcurrentModification, messages.concurrentModification(entity, id, attempts));
  }

  override get retriable(): boolean {
    return true;
  }
}
