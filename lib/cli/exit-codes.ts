/** Exit statuses of the `encrypted-redis` command; distinct so that scripts can tell failures apart. */
export const ExitCode = {
  Ok: 0,
  /** Unexpected failure. */
  Failure: 1,
  /** Bad arguments or configuration. */
  Usage: 2,
  /** Redis could not be reached. */
  RedisUnavailable: 3,
  /** The job finished but left values it could not process (for example under an unknown key). */
  Partial: 4,
  /** A key service (KMS) could not be reached. */
  KeyUnavailable: 5,
  /** Stopped by SIGINT or SIGTERM; a resumable job continues from its checkpoint when run again. */
  Interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An expected failure: printed as one line, then the process exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}
