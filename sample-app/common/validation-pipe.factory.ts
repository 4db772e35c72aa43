import { ValidationPipe } from '@nestjs/common';

/**
 * The app-wide ValidationPipe: bodies and params become instances of their
 * DTO classes; unknown properties are refused, not silently dropped.
 * Validation errors name the property, never the value that was sent.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
  });
}
