// One HTTP POST to a webhook endpoint, through agents that refuse non-public addresses
// at connection time (every DNS answer), with a hard deadline and no redirects.
import http from 'node:http';
import https from 'node:https';
import { createGuardedAgents } from '../../domain/webhooks/ssrf';

export interface SendResult {
  status?: number;
  error?: string;
  durationMs: number;
  /** The response body, up to MAX_BODY bytes (method calls in gateway replies need it). */
  body: string;
  retryAfter?: string;
}

const MAX_BODY = 64 * 1024;

export class WebhookSender {
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(
    allowPrivate: boolean,
    private readonly timeoutMs: number,
  ) {
    this.agents = createGuardedAgents({
      allowPrivate,
      agentOptions: { keepAlive: true, maxSockets: 256 },
    });
  }

  send(url: string, body: string, headers: Record<string, string>): Promise<SendResult> {
    const started = performance.now();
    const target = new URL(url);
    const mod = target.protocol === 'https:' ? https : http;
    const agent = target.protocol === 'https:' ? this.agents.https : this.agents.http;
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: Omit<SendResult, 'durationMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...r, durationMs: Math.round(performance.now() - started) });
      };
      const req = mod.request(target, {
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      });
      const timer = setTimeout(() => {
        req.destroy(new Error(`timed out after ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      req.on('error', (err) => done({ error: err.message, body: '' }));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < MAX_BODY) chunks.push(c);
          size += c.length;
        });
        res.on('error', (err) => done({ error: err.message, body: '' }));
        res.on('end', () =>
          done({
            status: res.statusCode,
            body: Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8'),
            ...(typeof res.headers['retry-after'] === 'string' && {
              retryAfter: res.headers['retry-after'],
            }),
          }),
        );
      });
      req.end(body);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
