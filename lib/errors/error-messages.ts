import { describeLocation, type ValueLocation } from './value-location.js';

const GENERATE_HINT = 'generate one with `npx encrypted-redis keys generate`';

/** Every message the library puts in an error, kept together so they read alike. */
export const messages = {
  configuration: (problem: string) => `Invalid EncryptedRedisModule options: ${problem}.`,

  keyConfiguration: (keyId: string | undefined, problem: string) =>
    keyId === undefined
      ? `Invalid key ring: ${problem}.`
      : `Invalid key ring: key "${keyId}" ${problem}.`,

  keyLength: (length: number) =>
    `is ${length} bytes long; keys must be exactly 32 bytes (256 bits): ${GENERATE_HINT}`,

  noKeys: () =>
    `no keys are configured; pass \`keys\` to EncryptedRedisModule.forRoot or set ENCRYPTED_REDIS_KEYS (${GENERATE_HINT})`,

  entityDefinition: (target: string, problem: string) => `${target}: ${problem}.`,

  unsupportedValue: (target: string, problem: string) =>
    `Cannot save ${target}: ${problem}. Nothing was written.`,

  invalidId: (entity: string, problem: string) =>
    `Invalid id for ${entity}: ${problem}. Nothing was read or written.`,

  integrity: (at: ValueLocation, reason: string) =>
    `Cannot open ${describeLocation(at)}: ${reason}. The stored value was altered, truncated ` +
    'or copied from another field or record, and was not returned; restore the record from a ' +
    'backup or overwrite the field.',

  notEncrypted: (at: ValueLocation) =>
    `${describeLocation(at)} holds a value that is not sealed where a sealed value belongs; it ` +
    'was not returned. If it was written before encryption was enabled, read it with ' +
    "`legacyPlaintext: 'read'` while migrating, or seal it in place with " +
    '`encrypted-redis reencrypt --adopt-plaintext`.',

  unsupportedEnvelope: (at: ValueLocation, detail: string) =>
    `Cannot open ${describeLocation(at)}: ${detail}, which this version of nest-encrypted-redis ` +
    'does not support; upgrade the library to read it.',

  unknownKey: (keyId: string, at?: ValueLocation) =>
    `${at ? `Cannot open ${describeLocation(at)}: it` : 'The value'} was sealed with key ` +
    `"${keyId}", which the key ring does not hold. Add key "${keyId}" back to the key ring ` +
    '(decrypt-only is enough) to read it.',

  retiredKey: (keyId: string, at?: ValueLocation) =>
    `${at ? `Cannot open ${describeLocation(at)}: it` : 'The value'} was sealed with key ` +
    `"${keyId}", which is retired and refused for decryption. Re-encrypt the data before ` +
    `retiring a key, or mark "${keyId}" decrypt-only again to read it.`,

  keyUnavailable: (keyId: string | undefined, detail: string) =>
    `The key service could not provide ${keyId === undefined ? 'a data key' : `key "${keyId}"`}` +
    ` (${detail}). Nothing was read or written with it; retry later.`,

  keyService: (keyId: string | undefined, detail: string) =>
    `The key service refused ${keyId === undefined ? 'the request' : `the request for key "${keyId}"`}` +
    ` (${detail}). Nothing was read or written with it; retrying will not help until this is fixed.`,

  invalidStoredValue: (at: ValueLocation, expected: string) =>
    `Cannot read ${describeLocation(at)}: the stored text is not ${expected}. It was written ` +
    'outside this library; overwrite the field with a valid value.',

  entityNotFound: (entity: string, id: string) =>
    `${entity} with id "${id}" does not exist (or has expired). Check the id, or create the entity first.`,

  entityExists: (entity: string, id: string) =>
    `${entity} with id "${id}" already exists; use update() to change it or save() to replace it.`,

  concurrentModification: (entity: string, id: string, attempts: number) =>
    `${entity} with id "${id}" kept changing while it was being updated (${attempts} attempts); ` +
    'nothing was written by this call. Retry the update.',

  notIndexed: (target: string) =>
    `${target} has no blind index, so it cannot be searched. Declare it with ` +
    '`@Encrypted({ index: true })`, save the entities again (or run `encrypted-redis ' +
    'reencrypt`), or look entities up by id.',

  replication: (entity: string, confirmed: number, wanted: number, timeoutMs: number) =>
    `A write of ${entity} reached the primary, but only ${confirmed} of ${wanted} replicas ` +
    `confirmed it within ${timeoutMs} ms; it could be lost if the primary fails now. Writing ` +
    'it again is safe.',

  batch: (operation: string, failed: number, total: number, first: string) =>
    `${operation}: ${failed} of ${total} items failed (the first: ${first}); see \`failures\` ` +
    'for each item and its error.',

  operationOptions: (operation: string, problem: string) =>
    `Invalid ${operation} options: ${problem}. Nothing was read or written.`,

  checkpoint: (key: string, problem: string) =>
    `The checkpoint ${key} ${problem}. Run the job with \`restart\` (\`--restart\`) to start ` +
    'over; re-encryption is idempotent, so nothing is lost by starting again.',
};
