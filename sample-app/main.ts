import 'reflect-metadata';
import { Logger, type INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { getEncryptedRepositoryToken, type EncryptedRepository } from '../lib/index.js';
import { AppModule } from './app.module.js';
import { sampleSettings } from './config/sample-settings.js';
import { Patient } from './patients/patient.entity.js';

async function createApp(): Promise<INestApplication> {
  try {
    // abortOnError: false makes a startup error reject here instead of aborting the process.
    return await NestFactory.create(AppModule, { abortOnError: false });
  } catch {
    // Nest has already logged why; a connection opened before the failure must not keep us alive.
    process.exit(1);
  }
}

async function bootstrap(): Promise<void> {
  const app = await createApp();
  app.enableShutdownHooks();
  const { port } = sampleSettings(app.get(ConfigService));
  await app.listen(port);

  const logger = new Logger('SampleApp');
  const patients = app.get<EncryptedRepository<Patient>>(getEncryptedRepositoryToken(Patient));
  logger.log(`Listening on http://localhost:${port}`);
  logger.log(`Patients are Redis hashes at ${patients.keyOf('<id>')}`);
}

await bootstrap();
