import { Injectable, UnsupportedMediaTypeException, type NestMiddleware } from '@nestjs/common';

/** The parts of an Express request this middleware reads. */
interface BodyRequest {
  readonly method: string;
  is(type: string): string | false | null;
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Refuses request bodies that are not JSON. A form-encoded body would
 * otherwise become property names, which validation messages quote back.
 */
@Injectable()
export class JsonOnlyMiddleware implements NestMiddleware {
  use(request: BodyRequest, _response: unknown, next: () => void): void {
    if (WITH_BODY.has(request.method) && request.is('application/json') === false) {
      throw new UnsupportedMediaTypeException(
        'Send the body as JSON (content-type: application/json).',
      );
    }
    next();
  }
}
