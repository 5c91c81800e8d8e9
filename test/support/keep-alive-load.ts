import { Agent, request } from 'node:http';

/** One request of the load: when it was written and how it ended. */
export interface LoadRequest {
  /** performance.now() when the request was handed to its connection. */
  sentAt: number;
  /** performance.now() when the answer had arrived in full, or the request failed. */
  endedAt: number;
  status?: number;
  /** The answer's Connection header. */
  connection?: string;
  /** The error code when it got no answer: ECONNREFUSED (never sent), ECONNRESET… */
  error?: string;
  /** Whether the connection had carried an earlier request. */
  reusedConnection: boolean;
}

/**
 * `connections` clients sending `path` back to back over keep-alive connections, as a busy
 * caller does, until stopped or until the server refuses new connections.
 */
export class KeepAliveLoad {
  readonly requests: LoadRequest[] = [];
  private running = true;
  private newConnections = true;
  private readonly agent: Agent;
  private readonly workers: Promise<void>[];

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
    connections: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
    this.workers = Array.from({ length: connections }, () => this.work());
  }

  /**
   * From now on no client opens a connection: each goes on over the one it has, until an answer
   * closes it. What a load balancer does once the server has left its pool: existing connections
   * stay where they are, new ones go elsewhere.
   */
  stopOpeningConnections(): void {
    this.newConnections = false;
  }

  /** Requests sent and not answered (or failed) at `at`. */
  inFlightAt(at: number): number {
    return this.requests.filter(({ sentAt, endedAt }) => sentAt <= at && endedAt > at).length;
  }

  async stop(): Promise<LoadRequest[]> {
    this.running = false;
    await Promise.all(this.workers);
    this.agent.destroy();
    return this.requests;
  }

  private async work(): Promise<void> {
    while (this.running) {
      const outcome = await this.send();
      this.requests.push(outcome);
      if (outcome.error === 'ECONNREFUSED') return; // the server accepts no more connections
      if (!this.newConnections && outcome.connection === 'close') return;
    }
  }

  private send(): Promise<LoadRequest> {
    return new Promise((done) => {
      let sentAt = performance.now();
      let reusedConnection = false;
      const call = request(this.url, { agent: this.agent, headers: this.headers }, (response) => {
        response.resume().on('end', () =>
          done({
            sentAt,
            endedAt: performance.now(),
            status: response.statusCode,
            connection: response.headers.connection,
            reusedConnection,
          }),
        );
      });
      call.on('socket', (socket) => {
        reusedConnection = call.reusedSocket;
        if (socket.connecting) socket.once('connect', () => (sentAt = performance.now()));
        else sentAt = performance.now();
      });
      call.on('error', (error: NodeJS.ErrnoException) =>
        done({
          sentAt,
          endedAt: performance.now(),
          error: error.code ?? error.message,
          reusedConnection,
        }),
      );
      call.end();
    });
  }
}
