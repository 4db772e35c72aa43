/** The client together with whether the module created it (and so must close it). */
export const ENCRYPTED_REDIS_CONNECTION = Symbol('ENCRYPTED_REDIS_CONNECTION');

/** The key ring together with whether the module created it. */
export const ENCRYPTED_REDIS_OWNED_KEY_RING = Symbol('ENCRYPTED_REDIS_OWNED_KEY_RING');

/** Default Redis when no connection is configured. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
