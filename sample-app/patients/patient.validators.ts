import { applyDecorators } from '@nestjs/common';
import {
  IsEmail,
  IsISO8601,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';

/** Ids become part of a Redis key, so the sample keeps them to a short, safe alphabet. */
export const PATIENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** A patient id: 1 to 64 letters, digits, "_" or "-". */
export const IsPatientId = (): PropertyDecorator =>
  applyDecorators(
    IsString(),
    Matches(PATIENT_ID_PATTERN, {
      message: '$property must be 1 to 64 letters, digits, "_" or "-"',
    }),
  );

/** A display name of 1 to 200 characters. */
export const IsPatientName = (): PropertyDecorator =>
  applyDecorators(IsString(), MinLength(1), MaxLength(200));

/** An email address. */
export const IsPatientEmail = (): PropertyDecorator =>
  applyDecorators(IsString(), IsEmail(), MaxLength(254));

/** A social security number written as 000-00-0000. */
export const IsSsn = (): PropertyDecorator =>
  applyDecorators(
    IsString(),
    Matches(/^\d{3}-\d{2}-\d{4}$/, { message: '$property must be written as 000-00-0000' }),
  );

/**
 * A calendar date as YYYY-MM-DD. It stays a string, so the API returns exactly
 * the text it was given (a Date would come back with a time and a zone).
 */
export const IsDateOnly = (): PropertyDecorator =>
  applyDecorators(
    IsString(),
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date written as YYYY-MM-DD' }),
    IsISO8601({ strict: true }, { message: '$property must be an existing calendar date' }),
  );

/**
 * Skips the other validators when the property is absent, but, unlike
 * `@IsOptional()`, still rejects `null`: a PATCH cannot erase a required field.
 */
export const SkipIfAbsent = (): PropertyDecorator =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);
