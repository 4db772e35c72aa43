import type { ErrorCode } from './error-codes.js';

/**
 * Base class of every error the library throws. `code` is stable; messages
 * never contain plaintext, ciphertext or key material.
 */
export class EncryptedRedisError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  /** True when retrying the same call later may succeed (for example KMS was unreachable). */
  get retriable(): boolean {
    return false;
  }
}
