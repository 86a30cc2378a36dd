// nginx time and size values, parsed as nginx's ngx_parse_time / ngx_parse_size do.
import { TextMemo } from '../text/memo';

const TIME_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, M: 2592000, y: 31536000 };

/** Seconds for an nginx time such as `10m`, `1h30m`, `500ms`, `30` (seconds); undefined when malformed. */
export function parseTime(v: string): number | undefined {
  return v ? times.get(v) : undefined;
}

const times = new TextMemo<number | undefined>(readTime, 10_000);

function readTime(v: string): number | undefined {
  const re = /(\d+)(ms|[smhdwMy])?/y;
  let i = 0;
  let total = 0;
  while (i < v.length) {
    re.lastIndex = i;
    const m = re.exec(v);
    if (!m) return undefined;
    total += Number(m[1]) * TIME_UNITS[m[2] ?? 's'];
    i = re.lastIndex;
    if (!m[2] && i < v.length) return undefined;
  }
  return total;
}

/** Bytes for an nginx size such as `10m`, `64k`, `1g`, `4096`; undefined when malformed. */
export function parseSize(v: string): number | undefined {
  const m = /^(\d+)([kKmMgG]?)$/.exec(v);
  if (!m) return undefined;
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * mult;
}

/** The shortest nginx time string for a number of seconds (`600` → `10m`, `5400` → `90m`). */
export function formatTime(sec: number): string {
  for (const [u, n] of [['d', 86400], ['h', 3600], ['m', 60]] as const) if (sec >= n && sec % n === 0) return `${sec / n}${u}`;
  return `${Math.ceil(sec)}s`;
}

/** Human-readable seconds: `10 minutes`, `30 s`. */
export function describeTime(sec: number): string {
  if (sec >= 86400 && sec % 86400 === 0) return `${sec / 86400} d`;
  if (sec >= 3600 && sec % 3600 === 0) return `${sec / 3600} h`;
  if (sec >= 60 && sec % 60 === 0) return `${sec / 60} min`;
  return `${sec} s`;
}
