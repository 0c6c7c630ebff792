/**
 * The /cc API with the browser's session cookie (HttpOnly: the page never sees it). Calls
 * that change something carry the session's CSRF token, which the page holds in memory
 * only; a 401 means the session ended, and the shell shows the sign-in page. Errors carry
 * the problem's detail (RFC 9457).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Dispatched on window when the API answers 401: the session is over. */
export const SIGNED_OUT_EVENT = 'cc:signed-out';

export class Api {
  constructor(private readonly csrf: string) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (!SAFE.has((init.method ?? 'GET').toUpperCase())) headers.set('x-csrf-token', this.csrf);
    if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
    const res = await fetch(path, { ...init, headers, credentials: 'same-origin' });
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { detail?: string } | null;
      const detail = body?.detail ?? `${res.status} ${res.statusText}`;
      if (res.status === 401) window.dispatchEvent(new CustomEvent(SIGNED_OUT_EVENT, { detail }));
      throw new ApiError(res.status, detail);
    }
    return res;
  }

  async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    return (await (await this.fetch(path, init)).json()) as T;
  }

  post<T>(path: string, body: unknown, method = 'POST'): Promise<T> {
    return this.json<T>(path, { method, body: JSON.stringify(body) });
  }
}
