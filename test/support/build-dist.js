import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

/**
 * Jest global setup: compiles the package into dist/ once per test run, so
 * that tests spawning the `encrypted-redis` command never run a stale build.
 * Type errors are left to `npm run typecheck`: tsc still emits, and the run goes on.
 */
export default function buildDist() {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const result = spawnSync(
    process.execPath,
    ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (result.error) throw result.error;
  if (result.status !== 0) {
    process.stderr.write(
      `\ntsc -p tsconfig.build.json reported errors (dist/ was emitted anyway):\n${result.stdout}\n`,
    );
  }
}
