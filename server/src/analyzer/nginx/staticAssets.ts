// Locations that serve static assets. Each test was tuned with the rule that uses it, so they differ in
// what they accept and are kept apart:
// - `inStaticLocation`: lenient, the scope or an enclosing location; content that is the same for every
//   user (cache-authenticated-requests, ignore-cache-control-personalized).
// - `isStaticLocation`: that location only, by its extensions (documents such as .html excluded) or its
//   first path segment; assets that downstream caches should keep (negative-expires-or-no-store-on-cacheable).
// - `staticExtensions`: a regex anchored on extensions that are all static assets, with the list
//   (cache-disabled-for-static-location).
// - `looksStatic`: location arguments that name static files, where a query string most likely does not
//   matter (cache-key-drops-query-string).
import { scopeChain } from './model';
import type { Scope } from './model';

const LENIENT_EXT = /\\\.|\.\(|\.(css|js)\b/;
const LENIENT_WORDS = /\b(css|js|mjs|png|jpe?g|gif|ico|svg|webp|avif|woff2?|ttf|otf|eot|map)\b/i;
const LENIENT_PREFIX = /^(\^~\s*)?\/(static|assets|css|js|fonts|favicon\.ico|robots\.txt)(\/|$)/;

/** A location (or an enclosing one) that serves static assets: same content for every user. */
export function inStaticLocation(scope: Scope): boolean {
  for (const s of scopeChain(scope)) {
    if (s.kind !== 'location' || !s.block) continue;
    const args = s.block.d.args.map((a) => a.value);
    const pattern = args[args.length - 1] ?? '';
    const regex = args.length > 1 && (args[0] === '~' || args[0] === '~*');
    if (regex && LENIENT_EXT.test(pattern) && LENIENT_WORDS.test(pattern)) return true;
    if (!regex && LENIENT_PREFIX.test(pattern)) return true;
  }
  return false;
}

const ASSET_EXT = new Set([
  'css', 'js', 'mjs', 'png', 'jpg', 'jpeg', 'gif', 'svg', 'svgz', 'ico', 'webp', 'avif', 'bmp', 'tif', 'tiff', 'woff', 'woff2', 'ttf',
  'otf', 'eot', 'mp4', 'webm', 'ogg', 'ogv', 'mp3', 'wav', 'flac', 'm4a', 'm4v', 'mov', 'pdf', 'zip', 'gz', 'tgz', 'bz2', 'wasm', 'swf', 'flv',
]);
/** Extensions of documents that are often deliberately not cached. */
const DOC_EXT = new Set(['html', 'htm', 'shtml', 'xhtml', 'php', 'json', 'xml', 'txt', 'asp', 'aspx', 'jsp', 'cgi', 'pl', 'py', 'rss', 'atom', 'map', 'manifest', 'webmanifest', 'appcache']);
const ASSET_DIRS = new Set(['static', 'assets', 'images', 'img', 'fonts', 'css', 'js', 'media']);

/** A location whose pattern names static assets: `~* \.(css|js|png)$`, `/static/`, `/assets/`. */
export function isStaticLocation(s: Scope): boolean {
  if (s.context !== 'location' || !s.block) return false;
  const args = s.block.d.args.map((a) => a.value);
  const [mod, pat] = args.length === 2 ? args : ['', args[0]];
  if (!pat) return false;
  const lower = pat.toLowerCase();
  if (mod === '~' || mod === '~*') {
    const dot = lower.indexOf('\\.');
    if (dot >= 0) {
      const words = lower.slice(dot + 2).match(/[a-z0-9]+/g) ?? [];
      return words.some((w) => ASSET_EXT.has(w)) && !words.some((w) => DOC_EXT.has(w));
    }
    const words = lower.match(/[a-z0-9]+/g) ?? [];
    return words.length > 0 && words.every((w) => ASSET_DIRS.has(w));
  }
  if (mod === '@') return false;
  const segs = lower.split('/').filter(Boolean);
  if (!segs.length) return false;
  const ext = /\.([a-z0-9]+)$/.exec(segs[segs.length - 1])?.[1];
  if (ext) return ASSET_EXT.has(ext);
  return ASSET_DIRS.has(segs[0]);
}

/** File extensions of static assets: a location matching only these serves the same bytes to everyone. */
const STATIC_EXTENSIONS = new Set([
  'css', 'js', 'mjs', 'map', 'png', 'jpg', 'jpeg', 'gif', 'ico', 'cur', 'svg', 'svgz', 'webp', 'avif', 'bmp', 'tif', 'tiff',
  'woff', 'woff2', 'ttf', 'otf', 'eot', 'mp4', 'webm', 'ogg', 'ogv', 'mp3', 'wav', 'flac', 'm4a', 'm4v', 'mov', 'avi',
  'pdf', 'zip', 'gz', 'tgz', 'bz2', 'xz', '7z', 'rar', 'swf', 'flv', 'htc',
]);

/** The extensions a regex location pattern is anchored on (`\.(css|js)$`, `\.(?:png|jpe?g)$`, `\.css$`), or undefined. */
export function staticExtensions(pattern: string): string[] | undefined {
  const m = /\\\.\((?:\?:)?([A-Za-z0-9|?]+)\)\$|\\\.([A-Za-z0-9]+)\$/.exec(pattern);
  if (!m) return undefined;
  const alts = (m[1] ?? m[2]).split('|').flatMap(expandOptional);
  if (!alts.length || !alts.every((e) => STATIC_EXTENSIONS.has(e.toLowerCase()))) return undefined;
  return alts;
}

/** `jpe?g` → jpg, jpeg; anything fancier is kept as written (and then fails the extension check). */
function expandOptional(alt: string): string[] {
  const i = alt.indexOf('?');
  if (i <= 0) return [alt];
  const head = alt.slice(0, i - 1);
  const opt = alt[i - 1];
  const tail = alt.slice(i + 1);
  return [head + tail, head + opt + tail].flatMap(expandOptional);
}

const STATIC_ARGS = /\\\.\(?[a-z0-9|]*(css|js|png|jpe?g|gif|svg|ico|webp|woff2?|ttf|eot|map|mp4|pdf)\b|(^|\s)\/(static|assets|images|img|media|fonts|css|js)\//i;

/** Whether a location's arguments (as one string) look like static files. */
export function looksStatic(locationArgs: string): boolean {
  return STATIC_ARGS.test(locationArgs);
}
