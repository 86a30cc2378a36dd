// What a live scenario declares: the rule, the fixture it runs, the origin's answers, the requests, and how to
// tell the harm (before the fix) from its cure (after). The harness runs it twice — on the fixture as written and
// on the fixture after cachelint's own fix — with the same backend script and the same requests.
import type { Reply, RequestOptions } from './client';
import type { Backend, Route } from './backend';

/** What one run measured: named numbers (and strings) the scenario picks, e.g. hits, requests, fetches. */
export type Measure = Record<string, number | string>;

export interface Live {
  /** Sends a request to the server under test; `cache` is HIT, MISS, EXPIRED, STALE, UPDATING, BYPASS… or '-'. */
  get(path: string, o?: RequestOptions & { listen?: string }): Promise<Reply & { cache: string }>;
  backend: Backend;
  /** The port nginx listens on for a listen value of the fixture (Varnish: its only port). */
  port(listen?: string): number;
  /** Waits, for scenarios about time (a TTL running out); never used to wait for a server. */
  sleep(ms: number): Promise<void>;
}

export interface Scenario {
  rule: string;
  /** The harm in a few words, for the report: "upstream max-age=1 overrides proxy_cache_valid 10m". */
  claim: string;
  /** The fixture file of the rule to run (default: report.conf / report.vcl). */
  fixture?: string;
  /** The fixture's listen value to talk to, for nginx fixtures with several servers (default: the first). */
  listen?: string;
  /** The origin's answers by path prefix. */
  backend: Record<string, Route>;
  /** Apply the rule's unsafe fixes as well (when its fix is marked unsafe). */
  unsafe?: boolean;
  /** Sends the requests and returns what was measured. */
  run(t: Live): Promise<Measure>;
  /** True when the measurement shows the harm the finding claims. */
  harmful(m: Measure): boolean;
  /** True when the measurement after the fix shows the harm gone. */
  cured(m: Measure): boolean;
  /** One line for the report: "0/10 HITs, 10 backend fetches". */
  show(m: Measure): string;
}

export function scenario(s: Scenario): Scenario {
  return s;
}

/** Hits among the replies (HIT, and STALE/UPDATING/REVALIDATED answered from the cache). */
export function hitCount(replies: readonly { cache: string }[]): number {
  return replies.filter((r) => /^(HIT|STALE|UPDATING|REVALIDATED)$/.test(r.cache)).length;
}

/** The common measurement: `n` GETs of `path`, counted as hits, and the backend fetches they caused. */
export async function repeat(t: Live, n: number, path: string, o: RequestOptions & { listen?: string; gapMs?: number } = {}): Promise<{ hits: number; requests: number; fetches: number }> {
  const before = t.backend.count();
  const replies = [];
  for (let i = 0; i < n; i++) {
    replies.push(await t.get(path, o));
    if (o.gapMs && i < n - 1) await t.sleep(o.gapMs);
  }
  return { hits: hitCount(replies), requests: n, fetches: t.backend.count() - before };
}

/**
 * The commonest proof: 10 GETs of one path. Harmful when every one misses and reaches the origin; cured when at
 * least 9 are HITs after a single origin fetch.
 */
export function tenGets(path: string, o: RequestOptions & { listen?: string } = {}): Pick<Scenario, 'run' | 'harmful' | 'cured' | 'show'> {
  return {
    run: (t) => repeat(t, 10, path, o),
    harmful: (m) => m.hits === 0 && m.fetches === 10,
    cured: (m) => Number(m.hits) >= 9 && m.fetches === 1,
    show: showHits,
  };
}

export const showHits = (m: Measure): string => `${m.hits}/${m.requests} HITs, ${m.fetches} backend fetch${m.fetches === 1 ? '' : 'es'}`;
