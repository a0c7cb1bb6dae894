// One request through node:http, as every latency bench sends it: no connect timeout of its
// own (10,000 sockets opening on a loaded 2-core machine can take longer than undici's 10 s)
// and less client overhead than fetch. Keep-alive, one shared agent.
import http from 'node:http';

export interface Answer {
  status: number;
  body: string;
}

interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

function send(url: string | URL, o: RequestOptions): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, method: o.method, headers: o.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

/**
 * One retry on a reset: a keep-alive socket the server closed as it was reused, or, during a
 * 10,000-connection burst, a SYN the kernel answered with a cookie (a full accept queue). A
 * real client reconnects.
 */
export async function request(url: string | URL, o: RequestOptions = {}): Promise<Answer> {
  try {
    return await send(url, o);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ECONNRESET') throw err;
    return send(url, o);
  }
}
