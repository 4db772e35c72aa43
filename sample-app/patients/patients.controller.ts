import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
} from '@nestjs/common';
import { PatientIdParams } from './patient-id.params.js';
import { Patient } from './patient.entity.js';
import { PatientsService } from './patients.service.js';
import { UpdatePatientDto } from './update-patient.dto.js';

/** CRUD over patients. Errors of the library become HTTP statuses in the exception filter. */
@Controller('patients')
export class PatientsController {
  constructor(private readonly patients: PatientsService) {}

  @Post()
  create(@Body() patient: Patient): Promise<Patient> {
    return this.patients.create(patient);
  }

  @Get(':id')
  findOne(@Param() { id }: PatientIdParams): Promise<Patient> {
    return this.patients.findOne(id);
  }

  @Patch(':id')
  update(@Param() { id }: PatientIdParams, @Body() changes: UpdatePatientDto): Promise<Patient> {
    return this.patients.update(id, changes);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  remove(@Param() { id }: PatientIdParams): Promise<void> {
    return this.patients.remove(id);
  }
}
