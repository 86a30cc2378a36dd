// Helpers for the cache-tuning scenarios (stampedes, stale serving, revalidation): a burst of concurrent
// requests, and an origin route whose status the scenario can switch mid-run (an outage) or derive from the
// request (a 304 for a matching If-None-Match). Scenario-owned helpers: the harness itself does not use them.
import type { Live } from './scenario';
import type { Route } from './backend';
import type { RequestOptions } from './client';

export interface Timed {
  status: number;
  cache: string;
  ms: number;
  body: string;
}

/** `n` requests for `path` sent at once; each reply with its latency. (Cache statuses are read from the access
 *  log in completion order, so per-reply statuses may be swapped between replies; their counts are exact.) */
export async function burst(t: Live, n: number, path: string, o: RequestOptions & { listen?: string } = {}): Promise<Timed[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const t0 = Date.now();
      const r = await t.get(path, o);
      return { status: r.status, cache: r.cache, ms: Date.now() - t0, body: r.body };
    }),
  );
}

/** A route whose status is read at answer time: `up()` / `down(status)` switch it (reset it at the start of run,
 *  since the same route serves the before and after phases). */
export function switchable(base: Omit<Route, 'status'>): Route & { up(): void; down(status?: number): void } {
  let status = 200;
  return {
    ...base,
    get status() {
      return status;
    },
    up() {
      status = 200;
    },
    down(s = 500) {
      status = s;
    },
  };
}

/** An origin that supports conditional GETs: a strong ETag, and 304 (empty body) when If-None-Match matches. */
export function conditional(etag: string, headers: Record<string, string>, body: string): Route {
  let notModified = false;
  return {
    get status() {
      return notModified ? 304 : 200;
    },
    headers: (req) => {
      // The backend computes headers, then the body, then reads the status: decide once, here.
      notModified = req.headers['if-none-match'] === etag;
      return { ETag: etag, ...headers };
    },
    body: () => (notModified ? '' : body),
  };
}

export const count = (xs: readonly Timed[], re: RegExp): number => xs.filter((x) => re.test(x.cache)).length;
export const slowest = (xs: readonly Timed[]): number => Math.max(...xs.map((x) => x.ms));
