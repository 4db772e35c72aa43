import type {
  BlindIndexNormalization,
  BlindIndexOptions,
} from '../interfaces/entity-options.interface.js';

/** Default bytes kept per token: 64 bits, so unrelated values practically never collide. */
export const DEFAULT_TOKEN_BYTES = 8;
const NORMALIZATIONS = new Set<string>(['trim', 'lowercase', 'nfkc']);

/** A field's blind index with its defaults applied. */
export interface ResolvedBlindIndex {
  readonly bytes: number;
  readonly normalize: readonly BlindIndexNormalization[];
}

/** The problem with index options, or `undefined` when they are valid. */
export function blindIndexProblem(
  index: boolean | BlindIndexOptions | undefined,
): string | undefined {
  if (index === undefined || typeof index === 'boolean') return undefined;
  const { bytes, normalize } = index;
  if (bytes !== undefined && !(Number.isInteger(bytes) && bytes >= 1 && bytes <= 32)) {
    return '`index.bytes` must be an integer from 1 to 32';
  }
  const unknown = (normalize ?? []).filter((step) => !NORMALIZATIONS.has(step));
  if (unknown.length > 0) {
    return `\`index.normalize\` accepts 'trim', 'lowercase' and 'nfkc', not ${unknown.map((step) => JSON.stringify(step)).join(', ')}`;
  }
  return undefined;
}

export function resolveBlindIndex(
  index: boolean | BlindIndexOptions | undefined,
): ResolvedBlindIndex | undefined {
  if (index === undefined || index === false) return undefined;
  const options = index === true ? {} : index;
  return { bytes: options.bytes ?? DEFAULT_TOKEN_BYTES, normalize: [...(options.normalize ?? [])] };
}
