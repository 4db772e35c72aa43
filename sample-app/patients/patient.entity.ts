import { Encrypted, RedisEntity } from '../../lib/index.js';
import {
  IsDateOnly,
  IsPatientEmail,
  IsPatientId,
  IsPatientName,
  IsSsn,
} from './patient.validators.js';

/**
 * A patient, stored as one Redis hash under `<KEY_PREFIX>patients:{<id>}`.
 * The same class validates the body of `POST /patients`: the validators
 * check the request, `@Encrypted()` seals the field before it reaches Redis.
 */
@RedisEntity('patients')
export class Patient {
  @IsPatientId()
  id!: string;

  /** Kept in clear. */
  @IsPatientName()
  name!: string;

  @Encrypted()
  @IsPatientEmail()
  email!: string;

  @Encrypted()
  @IsSsn()
  ssn!: string;

  /** Date of birth, YYYY-MM-DD. */
  @Encrypted()
  @IsDateOnly()
  dob!: string;
}
