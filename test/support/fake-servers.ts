import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 that answers every request with `handler`. */
export async function startHttpServer(handler: RequestListener): Promise<RunningServer> {
  return listen(createHttpServer(handler));
}

/** A TCP server that accepts connections and never says a word: the "hung registry". */
export async function startSilentServer(): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const running = await listen(server);
  return {
    url: running.url,
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      await running.close();
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on: bound, then freed. */
export async function freePort(): Promise<number> {
  const server = await startSilentServer();
  await server.close();
  return Number(new URL(server.url).port);
}

/** A URL on which nothing listens. */
export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<RunningServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
