// One HTTP POST to a webhook endpoint, through agents that refuse non-public addresses
// at connection time (every DNS answer), with a hard deadline and no redirects.
import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
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
/** URLs whose request options are kept parsed (each drain sends many updates to one URL). */
const MAX_TARGETS = 1024;

interface Target {
  mod: typeof http | typeof https;
  options: http.RequestOptions;
}

export class WebhookSender {
  private readonly agents: { http: http.Agent; https: https.Agent };
  private readonly targets = new Map<string, Target>();

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
    const { mod, options } = this.target(url);
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: Omit<SendResult, 'durationMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...r, durationMs: Math.round(performance.now() - started) });
      };
      const req = mod.request({
        ...options,
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

  private target(url: string): Target {
    let t = this.targets.get(url);
    if (t) return t;
    const parsed = new URL(url);
    const secure = parsed.protocol === 'https:';
    t = {
      mod: secure ? https : http,
      options: {
        ...urlToHttpOptions(parsed),
        method: 'POST',
        agent: secure ? this.agents.https : this.agents.http,
      },
    };
    if (this.targets.size >= MAX_TARGETS) this.targets.clear();
    this.targets.set(url, t);
    return t;
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
