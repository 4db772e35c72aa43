import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  fakeKmsHandlers,
  type Body,
  type FakeKmsHandler,
  type FakeKmsOperation,
} from './fake-kms-handlers.js';
import { FakeKmsError, FakeKmsKeys, type FakeKeyState } from './fake-kms-keys.js';

export type { FakeKmsOperation };

/** One request as the fake saw it: never key bytes. */
export interface FakeKmsRequest {
  readonly operation: string;
  readonly keyId?: string;
  readonly encryptionContext?: Readonly<Record<string, string>>;
  /** The error type answered, if any. */
  readonly error?: string;
}

export interface FakeKmsOptions {
  /** Port to listen on, on 127.0.0.1. Default: a free port. */
  readonly port?: number;
  /** Seed of every key's material; the same seed gives the same keys. Default: random. */
  readonly seed?: string;
  /** Default: `us-east-1`. */
  readonly region?: string;
  /** Default: `111122223333`. */
  readonly account?: string;
  /** Aliases (`alias/...`) to create at start. */
  readonly aliases?: readonly string[];
}

interface InjectedFailure {
  remaining: number;
  readonly type: string;
  readonly status: number;
  readonly operations?: ReadonlySet<string>;
}

/**
 * A local stand-in for AWS KMS, for tests and the sample app: a node:http
 * server speaking the JSON 1.1 protocol of the calls nest-encrypted-redis
 * uses. It really wraps data keys (AES-256-GCM under per-key material) and
 * checks encryption contexts; it can delay, throttle, fail and count calls.
 */
export class FakeKmsServer {
  readonly keys: FakeKmsKeys;
  /** Requests received per operation, including those answered with an error. */
  readonly calls = new Map<string, number>();
  readonly requests: FakeKmsRequest[] = [];
  /** Delay before every answer, in milliseconds. */
  delayMs = 0;
  readonly #handlers: Record<FakeKmsOperation, FakeKmsHandler>;
  #failures: InjectedFailure[] = [];
  #server: Server | undefined;
  #endpoint = '';

  constructor(readonly options: FakeKmsOptions = {}) {
    this.keys = new FakeKmsKeys(
      Buffer.from(options.seed ?? randomBytes(32).toString('hex'), 'utf8'),
      options.region ?? 'us-east-1',
      options.account ?? '111122223333',
    );
    for (const alias of options.aliases ?? []) this.keys.create(alias);
    this.#handlers = fakeKmsHandlers(this.keys);
  }

  /** Starts a fake on 127.0.0.1 and resolves once it listens. */
  static async start(options: FakeKmsOptions = {}): Promise<FakeKmsServer> {
    const fake = new FakeKmsServer(options);
    await fake.listen(options.port ?? 0);
    return fake;
  }

  /** `http://127.0.0.1:<port>`, for the client's `endpoint`. */
  get endpoint(): string {
    return this.#endpoint;
  }

  /** Creates a key (stable id when named by an alias) and returns its ARN. */
  createKey(alias?: string): string {
    return this.keys.create(alias);
  }

  setKeyState(keyId: string, state: FakeKeyState): void {
    this.keys.resolve(keyId).state = state;
  }

  /** Answers the next `count` requests (of these operations, default any) with `ThrottlingException`. */
  throttle(count = Infinity, operations?: readonly FakeKmsOperation[]): void {
    this.fail('ThrottlingException', count, 400, operations);
  }

  /** Answers the next `count` matching requests with an error of this `__type` and status. */
  fail(type: string, count = 1, status = 400, operations?: readonly FakeKmsOperation[]): void {
    this.#failures.push({
      remaining: count,
      type,
      status,
      ...(operations === undefined ? {} : { operations: new Set(operations) }),
    });
  }

  /** Stops injecting failures. */
  recover(): void {
    this.#failures = [];
  }

  /** Requests received for one operation, or for all. */
  count(operation?: FakeKmsOperation): number {
    if (operation !== undefined) return this.calls.get(operation) ?? 0;
    return [...this.calls.values()].reduce((sum, n) => sum + n, 0);
  }

  resetCounts(): void {
    this.calls.clear();
    this.requests.length = 0;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((request, response) => {
      this.serve(request, response).catch(() => response.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.#server = server;
    this.#endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  private injected(operation: string): InjectedFailure | undefined {
    const failure = this.#failures.find(
      (f) => f.remaining > 0 && (f.operations === undefined || f.operations.has(operation)),
    );
    if (failure !== undefined) failure.remaining--;
    return failure;
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('TrentService.')
      ? target.slice('TrentService.'.length)
      : target;
    this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);
    let body: Body = {};
    let status = 200;
    let answer: Body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Body;
      if (!String(request.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256')) {
        throw new FakeKmsError('MissingAuthenticationTokenException', 'Request is not signed.');
      }
      const handler = this.#handlers[operation as FakeKmsOperation];
      if (handler === undefined) {
        throw new FakeKmsError('UnknownOperationException', `${operation} is not served`);
      }
      const failure = this.injected(operation);
      if (failure !== undefined) {
        throw new FakeKmsError(failure.type, `injected ${failure.type}`, failure.status);
      }
      answer = handler(body);
    } catch (error) {
      const failure =
        error instanceof FakeKmsError
          ? error
          : new FakeKmsError('KMSInternalException', 'internal error', 500);
      status = failure.status;
      answer = { __type: failure.type, message: failure.message };
    }
    this.requests.push({
      operation,
      ...(typeof body.KeyId === 'string' ? { keyId: body.KeyId } : {}),
      ...(body.EncryptionContext === undefined
        ? {}
        : { encryptionContext: body.EncryptionContext as Record<string, string> }),
      ...(status === 200 ? {} : { error: answer.__type as string }),
    });
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const text = JSON.stringify(answer);
    response.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomBytes(16).toString('hex'),
    });
    response.end(text);
  }
}
