/**
 * One loopback address whose target can move, the way a managed Redis' DNS name moves to the
 * promoted node in a failover: connections already open keep talking to the node they were
 * opened to (which may by then be a read-only replica), new connections reach the new target.
 * Plain TCP forwarding; the servers behind it are real.
 */
import * as net from 'node:net';

export interface MovableAddress {
  readonly port: number;
  /** New connections go to `port` on 127.0.0.1 from now on. */
  moveTo(port: number): void;
  close(): Promise<void>;
}

export async function startMovableAddress(targetPort: number): Promise<MovableAddress> {
  let target = targetPort;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: target });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined); // the other side is destroyed with it below
    }
    client.pipe(upstream).on('close', () => client.destroy());
    upstream.pipe(client).on('close', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    moveTo: (port) => {
      target = port;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
