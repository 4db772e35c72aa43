import { EncryptedRedisError } from './encrypted-redis.error.js';
import { ErrorCode } from './error-codes.js';
import { messages } from './error-messages.js';
import type { ValueLocation } from './value-location.js';

/** An envelope names a format version or algorithm suite this release cannot open. */
export class UnsupportedEnvelopeError extends EncryptedRedisError implements ValueLocation {
  readonly entity: string;
  readonly id: string;
  readonly field: string;

  constructor(at: ValueLocation, detail: string) {
    super(ErrorCode.UnsupportedEnvelope, messages.unsupportedEnvelope(at, detail));
    ({ entity: this.entity, id: this.id, field: this.field } = at);
  }
}
