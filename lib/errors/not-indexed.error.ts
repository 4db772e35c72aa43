import { EncryptedRedisError } from './encrypted-redis.error.js';
import { ErrorCode } from './error-codes.js';
import { messages } from './error-messages.js';

/** `findBy` was called on a field that has no blind index. */
export class NotIndexedError extends EncryptedRedisError {
  /**
   * @param target `Class.property`
   */
  constructor(readonly target: string) {
    super(ErrorCode.NotIndexed, messages.notIndexed(target));
  }
}
