import { EncryptedRedisError } from './encrypted-redis.error.js';
import { ErrorCode } from './error-codes.js';
import { messages } from './error-messages.js';

/** A job's checkpoint in Redis cannot be read (another format, or edited by hand). */
export class CheckpointError extends EncryptedRedisError {
  /**
   * @param key the checkpoint's Redis key, possibly shortened
   */
  constructor(
    readonly key: string,
    problem: string,
  ) {
    super(ErrorCode.Checkpoint, messages.checkpoint(key, problem));
  }
}
