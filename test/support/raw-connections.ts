import { connect, type Socket } from 'node:net';

/** How a connection ended, as its client saw it. */
export interface RawOutcome {
  /** The first answer's status code, when one came. */
  status?: number;
  /** Everything the service sent (headers and bodies). */
  answer: string;
  /** Whether the service closed the connection (rather than the client). */
  closedByService: boolean;
  /** The socket's error, if it ended in one (ECONNRESET…). */
  error?: string;
}

/**
 * A TCP connection to the service that writes whatever bytes a test gives it, as a hostile
 * client would, and records what comes back until the connection closes.
 */
export class RawConnection {
  readonly outcome: Promise<RawOutcome>;
  private readonly socket: Socket;
  private readonly host: string;
  private answer = '';
  private releasedByClient = false;
  private error?: string;
  private readonly waiting: { pattern: RegExp; done: () => void }[] = [];

  constructor(baseUrl: string) {
    const { hostname, port } = new URL(baseUrl);
    this.host = `${hostname}:${port}`;
    this.socket = connect(Number(port), hostname);
    this.socket.on('error', (error: NodeJS.ErrnoException) => (this.error = error.code));
    this.socket.setEncoding('latin1').on('data', (chunk: string) => {
      this.answer += chunk;
      for (const wait of this.waiting.filter(({ pattern }) => pattern.test(this.answer))) {
        this.waiting.splice(this.waiting.indexOf(wait), 1);
        wait.done();
      }
    });
    this.outcome = new Promise((done) =>
      this.socket.on('close', () => {
        const status = /^HTTP\/1\.1 (\d{3})/.exec(this.answer)?.[1];
        done({
          status: status === undefined ? undefined : Number(status),
          answer: this.answer,
          closedByService: !this.releasedByClient,
          ...(this.error === undefined ? {} : { error: this.error }),
        });
      }),
    );
  }

  /** Writes a request's head: its request line, Host, these headers and the blank line. */
  writeHead(method: string, path: string, headers: Record<string, string | number> = {}): this {
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
    this.socket.write(
      [`${method} ${path} HTTP/1.1`, `Host: ${this.host}`, ...lines, '', ''].join('\r\n'),
    );
    return this;
  }

  write(bytes: string | Buffer): this {
    this.socket.write(bytes);
    return this;
  }

  /** Resolves once what the service sent matches `pattern`, or rejects when the connection closes first. */
  async received(pattern: RegExp): Promise<void> {
    if (pattern.test(this.answer)) return;
    await Promise.race([
      new Promise<void>((done) => this.waiting.push({ pattern, done })),
      this.outcome.then((outcome) => {
        if (!pattern.test(outcome.answer)) throw new Error(`closed after: ${outcome.answer}`);
      }),
    ]);
  }

  /** Resolves once a whole answer (headers and its Content-Length of body) has arrived. */
  answered(): Promise<void> {
    return this.received(/^HTTP\/1\.1 [\s\S]*?\r\n\r\n/).then(() => {
      const headEnd = this.answer.indexOf('\r\n\r\n') + 4;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(this.answer.slice(0, headEnd))?.[1]);
      return this.received(new RegExp(`^[\\s\\S]{${headEnd + length}}`));
    });
  }

  /** The client closes its side and goes. */
  release(): Promise<RawOutcome> {
    this.releasedByClient = true;
    this.socket.destroy();
    return this.outcome;
  }
}

export interface StalledUploadOptions {
  path: string;
  /** The Content-Length announced. */
  declaredBytes: number;
  /** The part of the body sent before the client falls silent, shorter than declaredBytes. */
  body: Buffer;
  authorization?: string;
}

/**
 * A PUT that announces a JSON body, sends part of it and falls silent, keeping its connection
 * open: what a hostile client does to make a server hold request bodies in memory.
 */
export function stalledUpload(baseUrl: string, options: StalledUploadOptions): RawConnection {
  return new RawConnection(baseUrl)
    .writeHead('PUT', options.path, {
      'Content-Type': 'application/json',
      'Content-Length': options.declaredBytes,
      ...(options.authorization === undefined ? {} : { Authorization: options.authorization }),
    })
    .write(options.body);
}

/** The start of a JSON object that never ends, this many bytes long. */
export function unendingJsonBody(bytes: number): Buffer {
  const body = Buffer.alloc(bytes, 0x61);
  body.write('{"description":"');
  return body;
}
