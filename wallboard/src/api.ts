/** The /cc API with the signed-in token; errors carry the problem's detail (RFC 9457). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

export class Api {
  constructor(private readonly token: string) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${this.token}`);
    if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
    const res = await fetch(path, { ...init, headers });
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { detail?: string } | null;
      throw new ApiError(res.status, body?.detail ?? `${res.status} ${res.statusText}`);
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
