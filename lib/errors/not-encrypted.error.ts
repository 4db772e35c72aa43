import { EncryptedRedisError } from './encrypted-redis.error.js';
import { ErrorCode } from './error-codes.js';
import { messages } from './error-messages.js';
import type { ValueLocation } from './value-location.js';

/** A sealed field holds something that is not an envelope (for example legacy plaintext). */
export class NotEncryptedError extends EncryptedRedisError implements ValueLocation {
  readonly entity: string;
  readonly id: string;
  readonly field: string;

  constructor(at: ValueLocation) {
    super(ErrorCode.NotEncrypted, messages.notEncrypted(at));
    ({ entity: this.entity, id: this.id, field: this.field } = at);
  }
}
