import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REDIS_URL } from '../support/redis.js';

/** The compiled command, built by the Jest global setup. */
export const CLI_MAIN = fileURLToPath(new URL('../../dist/lib/cli/main.js', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Environment for the command: the test Redis and the given variables, nothing inherited about keys. */
export function cliEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, REDIS_URL, ...vars };
  return env;
}

/** Starts `encrypted-redis <args>`; `done` resolves when it exits, however it exits. */
export function startCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [CLI_MAIN, ...args], { env, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Runs `encrypted-redis <args>` to the end. */
export function runCliProcess(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return startCli(args, env).done;
}

/** Polls `check` every 20 ms until it holds, or fails after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the condition was not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
