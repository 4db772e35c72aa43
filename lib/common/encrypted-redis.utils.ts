import type { Class } from '../metadata/declared-type.js';

/**
 * The injection token of the repository of `entity`, for custom providers and
 * `moduleRef.get()`.
 */
export function getEncryptedRepositoryToken(entity: Class): string {
  if (typeof entity !== 'function') {
    throw new TypeError('getEncryptedRepositoryToken() needs an entity class');
  }
  return `EncryptedRepository<${entity.name}>`;
}
