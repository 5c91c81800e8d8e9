import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 that tests put between the application and its database, to cut the
 * line (`stop`), restore it on the same port (`start`), or make it swallow traffic without ever
 * answering (`blackhole`), as a dead host behind a firewall does.
 */
export class TcpProxy {
  /** The port the proxy listens on; fixed by the first `start()`. */
  port = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private forwarding = true;

  constructor(
    private readonly targetPort = 3306,
    private readonly targetHost = '127.0.0.1',
  ) {}

  async start(): Promise<void> {
    if (this.server !== undefined) return;
    this.forwarding = true;
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Refuses new connections and resets every open one. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** From now on, accepts connections and drops every byte in both directions, answering nothing. */
  blackhole(): void {
    this.forwarding = false;
  }

  private accept(client: Socket): void {
    this.track(client);
    if (!this.forwarding) return;
    const upstream = this.track(createConnection(this.targetPort, this.targetHost));
    this.relay(client, upstream);
    this.relay(upstream, client);
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  }

  /** Like `pipe`, but only while forwarding, and a close on one side closes the other. */
  private relay(from: Socket, to: Socket): void {
    from.on('data', (chunk) => {
      if (this.forwarding) to.write(chunk);
    });
    from.on('close', () => to.destroy());
  }
}
