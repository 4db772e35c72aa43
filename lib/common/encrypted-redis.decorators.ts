import { Inject } from '@nestjs/common';
import { ENCRYPTED_REDIS_CLIENT } from '../encrypted-redis.constants.js';
import type { Class } from '../metadata/declared-type.js';
import { getEncryptedRepositoryToken } from './encrypted-redis.utils.js';

/**
 * Injects the `EncryptedRepository` of an entity registered with
 * `EncryptedRedisModule.forFeature([Entity])`.
 *
 * @example
 * ```ts
 * constructor(@InjectEncryptedRepository(Patient) private readonly patients: EncryptedRepository<Patient>) {}
 * ```
 */
export const InjectEncryptedRepository = (entity: Class): PropertyDecorator & ParameterDecorator =>
  Inject(getEncryptedRepositoryToken(entity));

/** Injects the ioredis client the module uses. */
export const InjectEncryptedRedisClient = (): PropertyDecorator & ParameterDecorator =>
  Inject(ENCRYPTED_REDIS_CLIENT);
