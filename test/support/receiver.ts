// A real local HTTP endpoint that records what it receives and answers as a test scripts it.
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

export type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';
type Responder = (r: Received, n: number) => Reply;

export class Receiver {
  readonly received: Received[] = [];
  private respond: Responder = () => ({ status: 200, body: 'ok' });
  private waiters: (() => void)[] = [];
  private hung: http.ServerResponse[] = [];
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      this.received.push(r);
      this.waiters.splice(0).forEach((w) => w());
      const out = this.respond(r, this.received.length);
      if (out === 'hang') {
        this.hung.push(res);
        return;
      }
      res.writeHead(out.status, out.headers ?? {}).end(out.body ?? '');
    });
  });

  static async start(): Promise<Receiver> {
    const r = new Receiver();
    r.server.listen(0, '127.0.0.1');
    await once(r.server, 'listening');
    return r;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  onRequest(fn: Responder): void {
    this.respond = fn;
  }

  /** Resolves once `n` requests have arrived (or rejects after `ms`). */
  async waitFor(n: number, ms = 10000): Promise<Received[]> {
    const end = Date.now() + ms;
    while (this.received.length < n) {
      const left = end - Date.now();
      if (left <= 0) throw new Error(`expected ${n} requests, got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.received;
  }

  /** Resolves once the server has closed (every connection, hung ones too, is cut first). */
  async close(): Promise<void> {
    this.hung.forEach((res) => res.destroy());
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections(); // after close(): none can arrive in between and hang
    await closed;
  }
}

/** The JSON bodies received, parsed. */
export const bodies = <T = Record<string, unknown>>(r: Receiver): T[] =>
  r.received.map((x) => JSON.parse(x.body) as T);
