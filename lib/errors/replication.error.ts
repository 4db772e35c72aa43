import { EncryptedRedisError } from './encrypted-redis.error.js';
import { ErrorCode } from './error-codes.js';
import { messages } from './error-messages.js';

/**
 * A write reached the primary but fewer replicas than `waitForReplicas` asks
 * confirmed it in time. Retriable: writing the same entity again is safe.
 */
export class ReplicationError extends EncryptedRedisError {
  constructor(
    readonly entity: string,
    readonly confirmed: number,
    readonly wanted: number,
    readonly timeoutMs: number,
  ) {
    super(ErrorCode.Replication, messages.replication(entity, confirmed, wanted, timeoutMs));
  }

  override get retriable(): boolean {
    return true;
  }
}
