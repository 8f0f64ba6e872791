// The JSON API (docs/api.md): the session cookie goes with every request (same origin), the CSRF
// token in X-CSRF-Token with every change, and an error answer {"error","code"} becomes an
// ApiError whose message is the server's text, shown to the user as it is.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

let csrfToken = '';
let onUnauthenticated: ((error: ApiError) => void) | null = null;

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

// Called when a request other than the log-in itself answers 401: the session ended (idle,
// expired, logged out elsewhere).
export function setUnauthenticatedHandler(handler: (error: ApiError) => void): void {
  onUnauthenticated = handler;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (error) {
    throw new ApiError(0, 'network', `cannot reach the server: ${(error as Error).message}`);
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      if (!response.ok) {
        throw new ApiError(response.status, 'http', `${response.status} ${response.statusText}: ${text.slice(0, 200)}`);
      }
      throw new ApiError(response.status, 'bad_json', `the server answered ${path} with text that is not JSON`);
    }
  }
  if (!response.ok) {
    const error = parsed as { error?: string; code?: string } | undefined;
    const apiError = new ApiError(
      response.status,
      error?.code ?? 'http',
      error?.error ?? `${method} ${path}: ${response.status} ${response.statusText}`,
    );
    if (response.status === 401 && path !== '/api/session' && onUnauthenticated) {
      onUnauthenticated(apiError);
    }
    throw apiError;
  }
  return parsed as T;
}

export const get = <T>(path: string) => request<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => request<T>('POST', path, body);
export const put = <T>(path: string, body: unknown = {}) => request<T>('PUT', path, body);
export const del = <T>(path: string) => request<T>('DELETE', path);

// Encodes one path segment (an MRN or accession may hold characters that are not URL-safe).
export function seg(value: string): string {
  return encodeURIComponent(value);
}

export function query(params: Record<string, string | number | undefined | null>): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
