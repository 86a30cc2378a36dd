// Values VCC checks while compiling (vcl/invalid-value): IP addresses as ACL entries, backend hosts and IP
// constants are resolved by varnishd -C itself, and some strings can never resolve; masks must fit the
// address; header names have a length limit and a character set. Pure functions, no DNS.

/** An IP address literal: its family and its bytes (4 or 16). */
export interface IpLiteral {
  family: 4 | 6;
  bytes: number[];
}

/** A strict dotted quad `a.b.c.d` (no leading zeros: `010` would be octal for getaddrinfo). */
export function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

/** An IPv6 address as inet_pton reads it (`::` once, an embedded dotted quad last); no zone (`%eth0`). */
export function parseIPv6(s: string): number[] | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(s)) return undefined;
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (i === items.length - 1 && it.includes('.')) {
        const v4 = parseIPv4(it);
        if (!v4) return undefined;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
        continue;
      }
      if (!/^[0-9A-Fa-f]{1,4}$/.test(it)) return undefined;
      out.push(parseInt(it, 16));
    }
    return out;
  };
  let words: number[];
  if (dbl >= 0) {
    const head = groups(s.slice(0, dbl));
    const tail = groups(s.slice(dbl + 2));
    if (!head || !tail) return undefined;
    // An embedded dotted quad only at the very end.
    if (s.slice(0, dbl).includes('.')) return undefined;
    const fill = 8 - head.length - tail.length;
    if (fill < 1) return undefined;
    words = [...head, ...new Array<number>(fill).fill(0), ...tail];
  } else {
    const all = groups(s);
    if (!all || all.length !== 8) return undefined;
    words = all;
  }
  return words.flatMap((w) => [w >> 8, w & 255]);
}

export function parseIp(s: string): IpLiteral | undefined {
  const v4 = parseIPv4(s);
  if (v4) return { family: 4, bytes: v4 };
  const v6 = s.includes(':') ? parseIPv6(s) : undefined;
  return v6 ? { family: 6, bytes: v6 } : undefined;
}

/** The address with the bits after `mask` cleared. */
export function applyMask(ip: IpLiteral, mask: number): IpLiteral {
  const bytes = ip.bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, mask - i * 8));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
  return { family: ip.family, bytes };
}

/** The address as inet_ntop writes it (glibc: the longest run of two or more zero groups becomes `::`). */
export function formatIp(ip: IpLiteral): string {
  if (ip.family === 4) return ip.bytes.join('.');
  const w: number[] = [];
  for (let i = 0; i < 16; i += 2) w.push((ip.bytes[i] << 8) | ip.bytes[i + 1]);
  let best = { base: -1, len: 0 };
  let cur = { base: -1, len: 0 };
  for (let i = 0; i < 8; i++) {
    if (w[i] === 0) {
      if (cur.base < 0) cur = { base: i, len: 1 };
      else cur.len++;
    } else if (cur.base >= 0) {
      if (best.base < 0 || cur.len > best.len) best = cur;
      cur = { base: -1, len: 0 };
    }
  }
  if (cur.base >= 0 && (best.base < 0 || cur.len > best.len)) best = cur;
  if (best.base >= 0 && best.len < 2) best = { base: -1, len: 0 };
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (best.base >= 0 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    // IPv4-compatible / IPv4-mapped: the last 32 bits as a dotted quad.
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && w[5] === 0xffff))) {
      out += ip.bytes.slice(12).join('.');
      break;
    }
    out += w[i].toString(16);
  }
  if (best.base >= 0 && best.base + best.len === 8) out += ':';
  return out;
}

/**
 * Why a host name can certainly not be resolved, without asking DNS: empty, or with an empty label
 * (`...com`, `10.1..2`, `.a`) — such a name cannot even be put in a DNS query. A trailing dot is fine.
 */
export function hostNameProblem(host: string): string | undefined {
  if (host === '') return 'an empty name';
  if (host === '.') return undefined;
  if (host.startsWith('.') || host.includes('..')) return 'a name with an empty label (two dots in a row, or a leading dot)';
  return undefined;
}

/**
 * Why an address string as varnishd resolves it for a backend `.host` or an IP constant (`host`, `host:port`,
 * `host port`, `[v6]`, `[v6]:port`, `v6`) can never resolve: `reason` in varnishd's words, `why` for humans.
 * Undefined when it may resolve (anything that could be a host name is left to DNS).
 */
export function addressProblem(s: string): { reason: string; why: string } | undefined {
  let host: string;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) return { reason: "IPv6 address lacks ']'", why: 'an address that starts with `[` needs the closing `]`' };
    const after = s.charAt(close + 1);
    if (after !== '' && after !== ':' && after !== ' ') return { reason: 'IPv6 address has wrong port separator', why: 'after `]` only `:port` or ` port` may follow' };
    host = s.slice(1, close);
    if (host === '' || host.includes('%')) return undefined;
    if (parseIp(host)) return undefined;
    if (host.includes(':')) return { reason: 'Name or service not known', why: `"${host}" is not a valid IPv6 address` };
    return undefined;
  }
  if (s === '') return { reason: 'Name or service not known', why: 'the address is empty' };
  const sp = s.indexOf(' ');
  if (sp >= 0) host = s.slice(0, sp);
  else {
    const c = s.indexOf(':');
    host = c >= 0 && s.indexOf(':', c + 1) < 0 ? s.slice(0, c) : s;
  }
  if (host === '' || host.includes('%')) return undefined;
  if (parseIp(host)) return undefined;
  if (host.includes(':')) {
    return { reason: 'Name or service not known', why: `"${host}" is not a valid IPv6 address, and with two or more colons nothing is taken as a port (write \`[v6]:port\` or \`v4:port\`)` };
  }
  const bad = hostNameProblem(host);
  return bad ? { reason: 'Name or service not known', why: `"${host}" is ${bad}` } : undefined;
}

/** HTTP token characters (RFC 9110 tchar): what VCC allows in a header name. */
export function isHeaderChar(c: string): boolean {
  return /^[A-Za-z0-9!#$%&'*+\-.^_`|~]$/.test(c);
}

/** The first character of a header name VCC rejects (`Invalid character ' ' in header name.`), ASCII only. */
export function badHeaderChar(name: string): { char: string; index: number } | undefined {
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c.charCodeAt(0) < 128 && !isHeaderChar(c)) return { char: c, index: i };
  }
  return undefined;
}

/** VCC refuses header names of 127 characters or more (`HTTP header (…) is too long.`, measured on 7.1.1). */
export const MAX_HEADER_NAME = 126;
