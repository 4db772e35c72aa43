/** Injection token of the ioredis client the module uses. */
export const ENCRYPTED_REDIS_CLIENT = Symbol('ENCRYPTED_REDIS_CLIENT');

/** Injection token of the key ring the module uses. */
export const ENCRYPTED_REDIS_KEY_RING = Symbol('ENCRYPTED_REDIS_KEY_RING');

export { ENCRYPTED_REDIS_MODULE_OPTIONS } from './encrypted-redis.module-definition.js';
