// Expressions for checking vcl/type-error against varnishd: one statement in vcl_recv of a fixed VCL that
// declares a backend, a probe, an ACL and a sub and imports std, so every kind of symbol can appear. A seeded
// generator combines typed atoms with every operator, in every place that wants a type.

/** The VCL a case's statement is compiled in. */
export function typeCaseVcl(stmt: string): string {
  return `vcl 4.1;
import std;
backend b none;
probe p { }
acl a { "1.2.3.4"; }
sub s { }
sub vcl_recv {
  call s;
  if (client.ip ~ a) { set req.backend_hint = b; }
  ${stmt}
}
backend c { .host = "127.0.0.1"; .probe = p; }
sub vcl_backend_fetch { set bereq.backend = c; }
`;
}

/** Values of every type: variables, literals, function results, declared symbols. */
const ATOMS = [
  'req.url', '"a"', 'req.http.x', 'std.tolower(req.url)', 'regsub(req.url, "a", "b")', 'req.restarts', '1', '0', '-1',
  'std.integer(req.http.x, 0)', '1.5', 'std.random(0, 1)', '10s', '-5s', 'req.ttl', 'req.grace', 'now', 'std.time(req.http.x, now)',
  'client.ip', 'server.ip', 'req.backend_hint', 'b', 'true', 'false', 'std.healthy(b)', 'std.bytes("1k", 0B)', '1KB', 'a', 'p', 's',
  'req', 'std', 'req.hash_always_miss', 'std.ip("1.2.3.4", client.ip)', 'std.port(client.ip)', 'std.duration(req.http.x, 1s)',
  'std.real(req.http.x, 0.5)', '"1.2.3.4"', 'default', 'std.log("x")', 'req.xid', 'std.fnmatch("a", req.url)', 'std.strstr(req.url, "a")',
  'req.is_hitmiss',
];
const OPERATORS = ['+', '-', '*', '/', '%', '==', '!=', '<', '>', '<=', '>=', '~', '!~', '&&', '||'];
/** Places that want a type: a condition, variables of each type, `op=`, return arguments, function arguments. */
const PLACES: ((e: string) => string)[] = [
  (e) => `if (${e}) { }`,
  (e) => `set req.http.y = ${e};`,
  (e) => `set req.ttl = ${e};`,
  (e) => `set req.backend_hint = ${e};`,
  (e) => `set req.hash_always_miss = ${e};`,
  (e) => `return (synth(${e}));`,
  (e) => `std.log(${e});`,
  (e) => `set req.url = ${e};`,
  (e) => `std.cache_req_body(${e});`,
  (e) => `set req.http.y += ${e};`,
  (e) => `set req.ttl += ${e};`,
  (e) => `set req.ttl *= ${e};`,
  (e) => `set req.grace -= ${e};`,
  (e) => `return (synth(200, ${e}));`,
  (e) => `if (client.ip ~ ${e}) { }`,
  (e) => `std.collect(${e});`,
];

/** Hand-picked statements: each rule of the type system once, accepted and refused. */
export const CURATED = [
  'set req.http.x = a;', 'set req.http.x = p;', 'set req.http.x = b;', 'set req.http.x = req;', 'set req.http.x = client.ip;',
  'set req.http.x = 1KB;', 'std.log(a);', 'if (a) {}', 'if (p) {}', 'if (b) {}', 'if (a == a) {}', 'set req.http.x = "x" + a;',
  'std.cache_req_body(-1KB);', 'std.cache_req_body(1);', 'std.cache_req_body(1.5KB);', 'std.cache_req_body(10s);', 'set req.http.x = std.log("a");',
  'if (req.url ~ "a" + "b") {}', 'if (req.url ~ ("a")) {}', 'if (req.url ~ req.http.x) {}', 'set req.ttl = 0;', 'set req.ttl = 1.5;', 'if (req.ttl < 0) {}',
  'if (req.ttl < 0s) {}', 'if (-1 < req.restarts) {}', 'set req.http.x = -req.restarts;', 'if (req.restarts == -req.restarts) {}',
  'set req.ttl = 2 * 10s;', 'set req.ttl = 10s * 2;', 'set req.ttl = 10s * 1.5;', 'set req.ttl = 10s / 2s;', 'set req.http.x = 5 % 2;',
  'set req.http.x = 5.0 % 2;', 'set req.http.x = 5 % 2.0;', 'if (now * 2) {}', 'if (req.restarts * 1.5 > 1) {}', 'if (1.5 > 1) {}',
  'if (1 > 1.5) {}', 'set req.http.x = 1 + 1.5;', 'set req.hash_always_miss = req.url;', 'set req.hash_always_miss = 1.5;',
  'set req.http.x = s;', 'if (s) {}', 'if (req.http.x == b) {}', 'if (b == "b") {}', 'if (b == default) {}', 'set req.backend_hint = default;',
  'set req.http.x = default;', 'set req.http.x = "a" - "b";', 'set req.http.x = req.url ~ "a";', 'set req.http.x = !req.url;',
  'return (synth("404"));', 'return (synth(404, 1));', 'return (synth(404.5));', 'if (client.ip > "127.0.0.1") {}', 'if (client.ip == "127.0.0.1") {}',
  'if (client.ip ~ b) {}', 'if (client.ip ~ true) {}', 'if (client.ip ~ s) {}', 'if (!std.random(0, 1)) {}', 'if (std.random(0, 1) && true) {}',
  'if (req.restarts != req.url) {}', 'if (req.url == 1) {}', 'if (req.http.x) {}', 'if (beresp) {}', 'std.collect("x");', 'std.collect(req.http.x);',
  'std.fnmatch("a", req.url, pathname = false);', 'if (std.fnmatch("a", req.url, pathname = false, pathname = true)) {}',
  'if (std.fnmatch("a", req.url, nosuch = true)) {}', 'if (std.fnmatch("a")) {}', 'if (std.fnmatch(subject = req.url, pattern = "a")) {}',
  'std.log("a", "b");', 'set req.http.x = std.nosuch("a");', 'set req.http.x = std;', 'set req.http.x = now + 1s;', 'set req.http.x = now - now;',
  'set req.http.x = now + now;', 'set req.ttl = now - now;', 'set req.http.x = req.restarts + "a";', 'set req.http.x = "a" + req.restarts;',
  'set req.http.x = (req.restarts + 1) + "a";', 'set req.ttl += 1;', 'set req.http.x -= "a";', 'set req.backend_hint += b;', 'set req.url += "a";',
  'set req.restarts += 1;', 'if (req.hash_always_miss == true) {}', 'if (req.hash_always_miss < true) {}', 'if (req.backend_hint == b) {}',
  'if (req.backend_hint != b) {}', 'if (b < b) {}', 'if (a != a) {}', 'if (p == p) {}', 'if (now > now - 1s) {}', 'if (std.port(client.ip) == 80) {}',
  'set req.http.x = regsub(req.url, req.http.x, "b");', 'set req.http.x = regsub(req.url, "a", 1);', 'set req.http.x = regsuball(1, "a", "b");',
  'hash_data(1);', 'if (!!true) {}', 'if (true + false) {}', 'if ((req.restarts)) {}', 'if ((req.ttl)) {}', 'if (now) {}', 'if (client.ip) {}',
  'set req.http.x = :AAAA:;', 'if (req.http.x == :AAAA:) {}', 'set req.http.x = 1 * :AAAA:;',
  // Regular expressions: PCRE2's structural errors, and valid patterns that look odd.
  'if (req.url ~ "[a") {}',
  'if (req.url ~ "a)") {}',
  'if (req.url ~ "(a") {}',
  'if (req.url ~ "*a") {}',
  'if (req.url ~ "a**") {}',
  'if (req.url ~ "a*?") {}',
  'if (req.url ~ "a++") {}',
  'if (req.url ~ "(?i)a") {}',
  'if (req.url ~ "(?:a|b)*") {}',
  'if (req.url ~ "[]a]") {}',
  'if (req.url ~ "[^]a]") {}',
  'if (req.url ~ "[[:alpha:]]") {}',
  'if (req.url ~ "a{2}") {}',
  'if (req.url ~ "{a") {}',
  'if (req.url ~ "x\\") {}',
  'if (req.url ~ "(?<n>a)") {}',
  'if (req.url ~ "\\Q*\\E") {}',
  'if (req.url ~ "(?=a)b") {}',
  'if (req.url ~ "(?!a)") {}',
  'if (req.url ~ "^*") {}',
  'if (req.url ~ "a{,3}") {}',
  'if (req.url ~ "(?|a|b)") {}',
  'if (req.url ~ "\\d+") {}',
  'if (req.url ~ "[\\]]") {}',
  'if (req.url ~ "(?P<n>x)") {}',
  'if (req.url ~ "a{2,}") {}',
  'if (req.url ~ "(?>a+)") {}',
  'if (req.url ~ "a(?#c)b") {}',
  'if (req.url ~ "[a-z-]") {}',
  'if (req.url ~ "x{") {}',
  'if (req.url ~ "a{2}{3}") {}',
  'if (req.url ~ "a|*b") {}',
  'if (req.url ~ "(*UTF)a") {}',
  'if (req.url ~ "(?i:a)+") {}',
  'if (req.url ~ "[a-\\d]") {}',
  'if (req.url ~ "\\.(png|jpg)$") {}',
  'if (req.url ~ "^/(a|b)/?$") {}',
  'if (req.url ~ "a?+") {}',
  'if (req.url ~ "a+*") {}',
  'if (req.url ~ "(?x) a # b") {}',
  'if (req.url ~ "[[:foo:]]") {}',
  'if (req.url ~ "\\") {}',
  'if (req.url ~ "a\\") {}',
  'if (req.url ~ "[" + "a") {}', 'if (req.url ~ "(a" + ")") {}', 'set req.http.x = regsub(req.url, "(a", "b");',
];

/** `n` random statements from a seed (a linear congruential generator: the same seed gives the same cases). */
export function randomTypeCases(seed: number, n: number): string[] {
  let state = seed;
  const rnd = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  const expr = (depth: number): string => {
    const r = rnd();
    if (depth <= 0 || r < 0.35) return pick(ATOMS);
    if (r < 0.45) return '!' + expr(depth - 1);
    if (r < 0.5) return '(' + expr(depth - 1) + ')';
    return `${expr(depth - 1)} ${pick(OPERATORS)} ${expr(depth - 1)}`;
  };
  return Array.from({ length: n }, () => pick(PLACES)(expr(2)));
}
