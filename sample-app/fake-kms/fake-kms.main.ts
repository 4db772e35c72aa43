/**
 * Runs the fake KMS endpoint on its own, for the sample app (`npm run kms:fake`).
 * NOT a key service: its keys derive from a seed anyone can read. Settings:
 * FAKE_KMS_PORT (default 4599), FAKE_KMS_ALIASES (comma-separated, default
 * alias/sample-app), FAKE_KMS_SEED (default a fixed development seed, so the
 * same keys come back after a restart and wrapped data keys in Redis still open).
 */
import { FakeKmsServer } from './fake-kms.server.js';

const DEVELOPMENT_SEED = 'nest-encrypted-redis fake KMS development seed';

function write(line: string): void {
  process.stdout.write(`${line}\n`);
}

const port = Number(process.env.FAKE_KMS_PORT ?? 4599);
const aliases = (process.env.FAKE_KMS_ALIASES ?? 'alias/sample-app')
  .split(',')
  .map((alias) => alias.trim())
  .filter((alias) => alias.length > 0);
const fake = await FakeKmsServer.start({
  port,
  aliases,
  seed: process.env.FAKE_KMS_SEED ?? DEVELOPMENT_SEED,
});
write(`Fake KMS (NOT a key service; for local development only) listening on ${fake.endpoint}`);
for (const alias of aliases) write(`  ${alias} -> ${fake.keys.resolve(alias).arn}`);
write('Start the sample app against it with:');
write(
  `  ENCRYPTED_REDIS_KMS_KEY_ID=${aliases[0] ?? 'alias/sample-app'} ` +
    `ENCRYPTED_REDIS_KMS_ENDPOINT=${fake.endpoint} AWS_REGION=us-east-1 ` +
    'AWS_ACCESS_KEY_ID=fake AWS_SECRET_ACCESS_KEY=fake npm start',
);

let lastReport = '';
const reporter = setInterval(() => {
  const report = [...fake.calls].map(([operation, count]) => `${operation}=${count}`).join(' ');
  if (report !== lastReport) write(`calls: ${report}`);
  lastReport = report;
}, 2000);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    clearInterval(reporter);
    void fake.stop().then(() => write('Fake KMS stopped'));
  });
}
