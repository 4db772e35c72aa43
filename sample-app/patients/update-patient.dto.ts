import {
  IsDateOnly,
  IsPatientEmail,
  IsPatientName,
  IsSsn,
  SkipIfAbsent,
} from './patient.validators.js';

/**
 * Body of `PATCH /patients/:id`: any subset of the fields. The id is not
 * accepted here; it is the one in the path.
 */
export class UpdatePatientDto {
  @SkipIfAbsent()
  @IsPatientName()
  name?: string;

  @SkipIfAbsent()
  @IsPatientEmail()
  email?: string;

  @SkipIfAbsent()
  @IsSsn()
  ssn?: string;

  @SkipIfAbsent()
  @IsDateOnly()
  dob?: string;
}
