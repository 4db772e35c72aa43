/** The KMS encryption context of one data key: authenticated, logged by CloudTrail, never secret. */
export type EncryptionContext = Readonly<Record<string, string>>;

/** Context key naming the application; IAM conditions use `kms:EncryptionContext:application`. */
export const CONTEXT_APPLICATION = 'application';
/** Context key naming the data-key registry. */
export const CONTEXT_KEY_RING = 'keyRing';
/** Context key naming the data key itself, so a wrapped key cannot be swapped to another id. */
export const CONTEXT_DATA_KEY = 'dataKeyId';

/** The context every KMS call about data key `dataKeyId` carries. */
export function encryptionContext(
  application: string,
  ringName: string,
  dataKeyId: string,
): EncryptionContext {
  return {
    [CONTEXT_APPLICATION]: application,
    [CONTEXT_KEY_RING]: ringName,
    [CONTEXT_DATA_KEY]: dataKeyId,
  };
}
