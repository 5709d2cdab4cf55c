import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { EgressPolicy } from '@app/oci';
import { BlockedDestinationError, vettedConnector } from './webhook-egress-connector';

/** Connects through the connector to a plain TCP server on loopback (as `http:`, so no TLS is needed). */
describe('vettedConnector', () => {
  let server: net.Server;
  let port: number;
  let connections = 0;

  beforeAll(async () => {
    server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const connect = (policy: EgressPolicy, hostname: string, addresses: string[]) =>
    new Promise<net.Socket>((resolve, reject) => {
      const connector = vettedConnector(policy, {
        connectTimeoutMs: 2000,
        resolver: async () => addresses.map((address) => ({ address, family: net.isIP(address) })),
      });
      connector({ hostname, host: `${hostname}:${port}`, protocol: 'http:', port: String(port) }, (error, socket) =>
        error ? reject(error) : resolve(socket as net.Socket),
      );
    });

  it('refuses a name that resolves to loopback, before any connection', async () => {
    const before = connections;
    await expect(connect(new EgressPolicy(), 'hooks.example.com', ['127.0.0.1'])).rejects.toThrow(BlockedDestinationError);
    await expect(connect(new EgressPolicy(), 'hooks.example.com', ['93.184.216.34', '10.0.0.7'])).rejects.toThrow(/private address \(10\.0\.0\.7\)/);
    await expect(connect(new EgressPolicy(), '127.0.0.1', [])).rejects.toThrow(/loopback/);
    await expect(connect(new EgressPolicy(), '169.254.169.254', [])).rejects.toThrow(/cloud-metadata/);
    expect(connections).toBe(before);
  });

  it('connects to the address it checked when the host:port is allow-listed', async () => {
    const policy = new EgressPolicy({ allowedPrivateHosts: [`hooks.internal:${port}`] });
    const socket = await connect(policy, 'hooks.internal', ['127.0.0.1']);
    expect(socket.remoteAddress).toBe('127.0.0.1');
    socket.destroy();
    // the same host on another port is not
    const other = vettedConnector(new EgressPolicy({ allowedPrivateHosts: [`hooks.internal:${port + 1}`] }), {
      connectTimeoutMs: 2000,
      resolver: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    await expect(
      new Promise((resolve, reject) => other({ hostname: 'hooks.internal', protocol: 'http:', port: String(port) }, (e, s) => (e ? reject(e) : resolve(s)))),
    ).rejects.toThrow(BlockedDestinationError);
  });
});
