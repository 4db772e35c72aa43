import { EncryptedRedisError } from './encrypted-redis.error.js';
import { ErrorCode } from './error-codes.js';
import { messages } from './error-messages.js';
import type { ValueLocation } from './value-location.js';

/**
 * A sealed value did not open: wrong tag, truncated, altered, or moved from
 * another field or record. The value is never returned.
 */
export class IntegrityError extends EncryptedRedisError implements ValueLocation {
  readonly entity: string;
  readonly id: string;
  readonly field: string;

  constructor(
    at: ValueLocation,
    readonly reason: string,
  ) {
    super(ErrorCode.Integrity, messages.integrity(at, reason));
    ({ entity: this.entity, id: this.id, field: this.field } = at);
  }
}
