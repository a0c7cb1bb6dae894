// The platform as the self-hosted gateway sees it: its public Quanta bot API, called with the
// bot's own token. Only boxes cross this line for encrypted chats.
export class UpstreamError extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
    /** Seconds, from a 429's Retry-After. */
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}

export class Upstream {
  constructor(private readonly baseUrl: string) {}

  async call<T>(
    token: string,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<T> {
    const res = await fetch(new URL(`/api/v1/bot${path}`, this.baseUrl), {
      method,
      headers: {
        'x-bot-token': token,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) {
      const error = typeof json.error === 'string' ? json.error : `upstream answered ${res.status}`;
      const retry = Number(res.headers.get('retry-after'));
      throw new UpstreamError(res.status, error, retry > 0 ? retry : undefined);
    }
    return json as T;
  }

  /** A POST whose answer is `{ok, message}` (sends and edits). */
  post<T>(token: string, path: string, body: unknown): Promise<T> {
    return this.call<T>(token, 'POST', path, body);
  }
}
