import { EncryptedRedisError } from './encrypted-redis.error.js';
import { ErrorCode } from './error-codes.js';
import { messages } from './error-messages.js';
import type { ValueLocation } from './value-location.js';

/** A clear (unsealed) field holds text that cannot be read back as its declared type. */
export class InvalidStoredValueError extends EncryptedRedisError implements ValueLocation {
  readonly entity: string;
  readonly id: string;
  readonly field: string;

  constructor(at: ValueLocation, expected: string) {
    super(ErrorCode.InvalidStoredValue, messages.invalidStoredValue(at, expected));
    ({ entity: this.entity, id: this.id, field: this.field } = at);
  }
}
