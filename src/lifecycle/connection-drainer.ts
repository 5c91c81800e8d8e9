import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** How often a drain looks at the connections. */
const SWEEP_MS = 25;

/**
 * How long a connection must have been idle before a drain closes it. A keep-alive client may be
 * writing its next request the instant the previous answer arrives; closing the connection then
 * would cut that request off. One that stayed silent this long is not in the middle of one.
 */
export const IDLE_GRACE_MS = 1_000;

interface Connection {
  /** The answer being written on it, until it has been sent in full. */
  response: ServerResponse | null;
  /** When a drain first found it idle. */
  idleSince: number | null;
}

/**
 * Knows the server's connections and, when told, winds them down without cutting off a request:
 * every answer from then on carries `Connection: close` (so the client opens its next connection
 * elsewhere), the listener stops accepting, each connection closes after its answer, and idle
 * ones are closed once they have stayed idle for IDLE_GRACE_MS.
 */
export class ConnectionDrainer {
  private readonly connections = new Map<Socket, Connection>();
  private draining = false;

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.connections.set(socket, { response: null, idleSince: null });
      socket.once('close', () => this.connections.delete(socket));
    });
    server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
      const connection = this.connections.get(request.socket);
      if (connection !== undefined) connection.response = response;
      if (this.draining) response.setHeader('Connection', 'close');
    });
  }

  /** Connections open now, idle or not. */
  get openConnections(): number {
    return this.connections.size;
  }

  /** Requests received and not yet answered in full. */
  get requestsInFlight(): number {
    let count = 0;
    for (const connection of this.connections.values()) if (busy(connection)) count++;
    return count;
  }

  /** From now on every answer closes its connection; the listener still accepts. */
  closeEachConnectionAfterItsAnswer(): void {
    this.draining = true;
    for (const { response } of this.connections.values()) {
      if (response !== null && !response.headersSent) response.setHeader('Connection', 'close');
    }
  }

  /**
   * Stops accepting connections and waits until every open one has closed after its answer or
   * after IDLE_GRACE_MS of idleness; at `deadline` (performance.now() time) destroys those left.
   * True when none had to be destroyed.
   */
  async drain(deadline: number): Promise<boolean> {
    this.closeEachConnectionAfterItsAnswer();
    // net.Server's close, not http.Server's: that one also destroys every idle connection at
    // once, including one whose client is writing a request to it at that very moment.
    NetServer.prototype.close.call(this.server);
    while (this.connections.size > 0) {
      const now = performance.now();
      if (now >= deadline) {
        for (const socket of this.connections.keys()) socket.destroy();
        return false;
      }
      this.closeLongIdle(now);
      await sleep(Math.min(SWEEP_MS, deadline - now));
    }
    return true;
  }

  private closeLongIdle(now: number): void {
    for (const [socket, connection] of this.connections) {
      if (busy(connection)) {
        connection.idleSince = null;
      } else if (connection.idleSince === null) {
        connection.idleSince = now;
      } else if (now - connection.idleSince >= IDLE_GRACE_MS) {
        socket.destroy();
      }
    }
  }
}

function busy({ response }: Connection): boolean {
  return response !== null && !response.writableFinished;
}
