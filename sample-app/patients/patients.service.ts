import { Injectable } from '@nestjs/common';
import {
  EntityNotFoundError,
  InjectEncryptedRepository,
  type EncryptedRepository,
} from '../../lib/index.js';
import { Patient } from './patient.entity.js';
import type { UpdatePatientDto } from './update-patient.dto.js';

/** Patient records; the repository seals and opens the `@Encrypted` fields. */
@Injectable()
export class PatientsService {
  constructor(
    @InjectEncryptedRepository(Patient) private readonly patients: EncryptedRepository<Patient>,
  ) {}

  /** Stores a new patient; `EntityExistsError` when the id is taken. */
  create(patient: Patient): Promise<Patient> {
    return this.patients.insert(patient);
  }

  /** The patient with this id; `EntityNotFoundError` when there is none. */
  findOne(id: string): Promise<Patient> {
    return this.patients.findByIdOrFail(id);
  }

  /** Changes the given fields only, keeping the others and the record's expiry. */
  update(id: string, changes: UpdatePatientDto): Promise<Patient> {
    return this.patients.update(id, changes);
  }

  /** Deletes the patient; `EntityNotFoundError` when there is none. */
  async remove(id: string): Promise<void> {
    if (!(await this.patients.delete(id))) throw new EntityNotFoundError(Patient.name, id);
  }
}
