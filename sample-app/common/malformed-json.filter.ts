import { BadRequestException, Catch, HttpStatus, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';

/**
 * Answers a body that is not valid JSON without quoting it: the parser's
 * message can hold a piece of the body, which may be a secret. Every other
 * bad request goes to Nest's default handling.
 */
@Catch(BadRequestException)
export class MalformedJsonFilter extends BaseExceptionFilter {
  override catch(exception: BadRequestException, host: ArgumentsHost): void {
    const adapter = this.httpAdapterHost?.httpAdapter;
    if (!(exception.cause instanceof SyntaxError) || adapter === undefined) {
      return super.catch(exception, host);
    }
    const body = {
      statusCode: HttpStatus.BAD_REQUEST,
      message: 'The request body is not valid JSON.',
      error: 'Bad Request',
    };
    adapter.reply(host.switchToHttp().getResponse(), body, body.statusCode);
  }
}
