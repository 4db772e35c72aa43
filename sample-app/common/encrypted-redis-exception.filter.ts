import {
  Catch,
  HttpStatus,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { EncryptedRedisError, EntityExistsError, ErrorCode } from '../../lib/index.js';

/** Errors caused by the request. Every other library error is the server's fault. */
const CLIENT_ERRORS: Partial<Record<ErrorCode, HttpStatus>> = {
  [ErrorCode.InvalidId]: HttpStatus.BAD_REQUEST,
  [ErrorCode.UnsupportedValue]: HttpStatus.BAD_REQUEST,
  [ErrorCode.EntityNotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.EntityExists]: HttpStatus.CONFLICT,
  [ErrorCode.ConcurrentModification]: HttpStatus.CONFLICT,
};

/** Body of an error response. */
export interface ErrorBody {
  readonly statusCode: number;
  /** The library's stable error code, for example `ERR_INTEGRITY`. */
  readonly code: string;
  readonly message: string;
}

/**
 * Turns the library's errors into `{ statusCode, code, message }`. Client
 * errors carry the library's message (it never holds values). Server errors
 * get a generic message: the details (record, field, key id) go to the log
 * only, since they help operators and would only inform an attacker.
 */
@Catch(EncryptedRedisError)
export class EncryptedRedisExceptionFilter implements ExceptionFilter<EncryptedRedisError> {
  private readonly logger = new Logger(EncryptedRedisExceptionFilter.name);

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: EncryptedRedisError, host: ArgumentsHost): void {
    const body = this.toBody(error);
    if (body.statusCode >= 500) this.logger.error(`${error.code}: ${error.message}`, error.stack);
    const { httpAdapter } = this.adapterHost;
    httpAdapter.reply(host.switchToHttp().getResponse(), body, body.statusCode);
  }

  /** The response for an error; override to change statuses or wording. */
  protected toBody(error: EncryptedRedisError): ErrorBody {
    const clientStatus = CLIENT_ERRORS[error.code];
    if (clientStatus !== undefined) {
      return { statusCode: clientStatus, code: error.code, message: this.clientMessage(error) };
    }
    if (error.code === ErrorCode.KeyUnavailable) {
      return {
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        code: error.code,
        message: 'The encryption keys are unavailable right now; retry later.',
      };
    }
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      code: error.code,
      message: 'A stored value could not be read safely and was not returned; see the server log.',
    };
  }

  /** The library's message, except where it gives advice about its own API rather than HTTP. */
  protected clientMessage(error: EncryptedRedisError): string {
    if (error instanceof EntityExistsError) {
      return `${error.entity} with id "${error.id}" already exists; change it with PATCH instead.`;
    }
    return error.message;
  }
}
