import type { LoggerService } from '@nestjs/common';

/**
 * The library's log lines, as the command line shows them: on standard
 * error (standard output carries results, `--json` included), without
 * colours, debug lines only when ENCRYPTED_REDIS_DEBUG is set.
 */
export class CliLogger implements LoggerService {
  private readonly debugging = Boolean(process.env.ENCRYPTED_REDIS_DEBUG);

  log(message: unknown, context?: string): void {
    this.write('log', message, context);
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  error(message: unknown, stackOrContext?: string, context?: string): void {
    this.write('error', message, context ?? stackOrContext);
  }
  debug(message: unknown, context?: string): void {
    if (this.debugging) this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    if (this.debugging) this.write('verbose', message, context);
  }

  private write(level: string, message: unknown, context: string | undefined): void {
    process.stderr.write(`${level}${context ? ` [${context}]` : ''} ${String(message)}\n`);
  }
}
