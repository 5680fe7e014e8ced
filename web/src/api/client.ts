// The page's only way to the server: fetch against rootzone's own origin, the API key as
// `Authorization: Bearer` (never to another origin), JSON answers parsed, problem+json answers
// turned into ApiError. Writes take the ETag they were made against (If-Match); a 412 is an
// ApiError with status 412 and the current ETag, for the merge view of the field screens.
import type { paths } from 'rootzone-api-types';

export class ApiError extends Error {
  constructor(
    readonly status: number, // 0: the network failed before any answer
    readonly title: string,
    readonly detail: string,
    readonly field?: string, // the property a 422 concerns, when the problem names one
    readonly etag?: string,
    readonly retryAfter?: number, // seconds, from a 429's or 503's Retry-After
  ) {
    super(detail || title);
    this.name = 'ApiError';
  }
}

export interface ApiResult<T> {
  body: T;
  etag?: string;
  status: number;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  contentType?: string;
  ifMatch?: string;
  signal?: AbortSignal;
}

type KeySource = () => string | null;
type UnauthorizedListener = (e: ApiError) => void;

// A path of the OpenAPI document with its {parameters} filled in: tsc checks that the page
// only asks for paths /api declares.
export function apiPath<P extends keyof paths>(
  template: P,
  params: Record<string, string | number> = {},
): string {
  return (template as string).replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`apiPath: ${name} missing for ${String(template)}`);
    return encodeURIComponent(String(v));
  });
}

export class ApiClient {
  private unauthorized: UnauthorizedListener[] = [];

  constructor(private readonly key: KeySource) {}

  // Called on a 401 to a request that carried a key: the key expired or was revoked.
  onUnauthorized(f: UnauthorizedListener): void {
    this.unauthorized.push(f);
  }

  // The header a same-origin request carries; MapLibre's transformRequest uses it for tiles.
  authHeaders(url: string): Record<string, string> {
    const key = this.key();
    if (!key || !isSameOrigin(url)) return {};
    return { Authorization: `Bearer ${key}` };
  }

  async get<T>(path: string, query?: URLSearchParams, signal?: AbortSignal): Promise<ApiResult<T>> {
    const url = query && [...query.keys()].length > 0 ? `${path}?${query.toString()}` : path;
    return this.request<T>(url, { signal });
  }

  async request<T>(path: string, options: RequestOptions = {}, keyOverride?: string): Promise<ApiResult<T>> {
    if (!isSameOrigin(path)) throw new Error(`ApiClient: ${path} is not on this origin`);
    const headers: Record<string, string> = { Accept: 'application/json, application/geo+json' };
    const key = keyOverride ?? this.key();
    if (key) headers.Authorization = `Bearer ${key}`;
    if (options.ifMatch) headers['If-Match'] = options.ifMatch;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['Content-Type'] = options.contentType ?? 'application/json';
    }
    // The browser knows it has no network (a page the service worker brought up offline):
    // nothing is tried, so nothing fails in the console; the callers treat it as a network failure.
    if (!navigator.onLine) throw new ApiError(0, 'network', 'offline');
    let res: Response;
    try {
      res = await fetch(path, {
        method: options.method ?? 'GET',
        headers,
        body,
        signal: options.signal,
        credentials: 'omit',
        cache: 'no-cache',
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
    }
    const etag = res.headers.get('ETag') ?? undefined;
    if (!res.ok) {
      const error = await problemOf(res, etag);
      if (res.status === 401 && key && keyOverride === undefined) {
        for (const f of this.unauthorized) f(error);
      }
      throw error;
    }
    const text = res.status === 204 ? '' : await res.text();
    return { body: (text ? JSON.parse(text) : undefined) as T, etag, status: res.status };
  }
}

export function isSameOrigin(url: string): boolean {
  try {
    return new URL(url, location.href).origin === location.origin;
  } catch {
    return false;
  }
}

async function problemOf(res: Response, etag?: string): Promise<ApiError> {
  const type = res.headers.get('Content-Type') ?? '';
  let title = res.statusText;
  let detail = '';
  let field: string | undefined;
  if (type.includes('json')) {
    try {
      const p = (await res.json()) as Record<string, unknown>;
      if (typeof p.title === 'string') title = p.title;
      if (typeof p.detail === 'string') detail = p.detail;
      if (typeof p.field === 'string') field = p.field;
      else if (typeof p.property === 'string') field = p.property;
    } catch {
      // A body that is not JSON after all: status and title say enough.
    }
  }
  const retry = Number(res.headers.get('Retry-After') ?? '');
  return new ApiError(res.status, title, detail, field, etag, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}
