import type { ConfigService } from '@nestjs/config';

/** What the sample reads from its environment, besides the keys. */
export interface SampleSettings {
  /** `REDIS_URL`. Default: `redis://127.0.0.1:6379`. */
  readonly redisUrl: string;
  /** `PORT`, the HTTP port. Default: 3000. */
  readonly port: number;
  /** `KEY_PREFIX`, prefix of every Redis key the app writes. Default: `sample:`. */
  readonly keyPrefix: string;
}

const DEFAULTS = { redisUrl: 'redis://127.0.0.1:6379', port: 3000, keyPrefix: 'sample:' } as const;

function portFrom(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return DEFAULTS.port;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer from 0 to 65535 (got ${JSON.stringify(text)})`);
  }
  return port;
}

/** Reads the settings through ConfigService, so a `.env` file works as well as real variables. */
export function sampleSettings(config: ConfigService): SampleSettings {
  return {
    redisUrl: config.get<string>('REDIS_URL') || DEFAULTS.redisUrl,
    port: portFrom(config.get<string>('PORT')),
    keyPrefix: config.get<string>('KEY_PREFIX') ?? DEFAULTS.keyPrefix,
  };
}
