import { IsPatientId } from './patient.validators.js';

/** Route parameters of `/patients/:id`. */
export class PatientIdParams {
  @IsPatientId()
  id!: string;
}
