// A TCP proxy that a test can "unplug": down() makes the target look dead to whoever
// connects through the proxy (existing connections reset, new ones refused), up() brings it
// back on the same port. Used to stop PostgreSQL for one platform without touching the
// machine's shared server. blackhole() makes it stop answering instead, with every
// connection left open (a hung server or a dropped route), until forward() again.
import { connect, createServer, type Server, type Socket } from 'node:net';

export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** Connections accepted since start (both directions count as one). */
  accepted = 0;
  /** Client/upstream pairs, for blackhole() and forward(). */
  private readonly pairs = new Set<[client: Socket, upstream: Socket]>();
  private holding = false;

  private constructor(
    private readonly target: { host: string; port: number },
    private listenPort: number,
  ) {}

  static async start(target: { host: string; port: number }, port = 0): Promise<TcpProxy> {
    const proxy = new TcpProxy(target, port);
    await proxy.up();
    return proxy;
  }

  get port(): number {
    return this.listenPort;
  }

  get isUp(): boolean {
    return this.server !== undefined;
  }

  /** Open connections through the proxy right now. */
  get open(): number {
    return this.sockets.size / 2;
  }

  /** Accept connections again, on the same port as before. */
  async up(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => this.pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listenPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.listenPort = (server.address() as { port: number }).port;
    this.server = server;
  }

  /**
   * The target "dies": stop listening (new connections get ECONNREFUSED) and reset every open
   * connection (clients see ECONNRESET / an unexpected end), as when the server goes away.
   */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise((r) => server.close(r)) : Promise.resolve();
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
    await closed;
  }

  /**
   * The target stops answering but nothing is closed: bytes stop flowing both ways on every
   * open connection, and new connections are accepted and held without reaching the target.
   */
  blackhole(): void {
    this.holding = true;
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  /** Bytes flow again, held ones included. */
  forward(): void {
    if (!this.holding) return; // already flowing: piping twice would duplicate bytes
    this.holding = false;
    for (const [client, upstream] of this.pairs) this.join(client, upstream);
  }

  async close(): Promise<void> {
    this.forward();
    await this.down();
  }

  private join(client: Socket, upstream: Socket): void {
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private pipe(client: Socket): void {
    this.accepted++;
    const upstream = connect(this.target.port, this.target.host);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.setNoDelay(true);
      s.on('error', () => {});
      s.on('close', () => {
        this.sockets.delete(s);
        // One side gone: the other goes too.
        (s === client ? upstream : client).destroy();
      });
    }
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    client.once('close', () => this.pairs.delete(pair));
    if (this.holding) {
      client.pause();
      upstream.pause();
    } else {
      this.join(client, upstream);
    }
  }
}
