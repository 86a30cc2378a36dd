// An add_header inside if replaces the location's list when the if matches: /withif/?x=1 loses X-Served-By and
// X-Loc, and a request with X-Debug loses the location's X-Cache-Status.
import { scenario } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/add-header-inside-if',
  claim: "add_header inside if drops the location's headers (X-Served-By, X-Cache-Status) when the if matches",
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: { '/': {} },
  run: async (t) => {
    const plain = await t.get('/withif/');
    const matched = await t.get('/withif/?x=1');
    await t.get('/page');
    const debug = [await t.get('/page', { headers: { 'X-Debug': '1' } }), await t.get('/page', { headers: { 'X-Debug': '1' } })];
    const dropped = [matched.headers['x-served-by'], matched.headers['x-loc']].filter((h) => !h).length;
    const noStatus = debug.filter((r) => !r.headers['x-cache-status']).length;
    return {
      baseline: plain.headers['x-served-by'] && plain.headers['x-loc'] ? 1 : 0,
      ifHeader: matched.headers['x-if'] ? 1 : 0,
      dropped,
      noStatus,
      debug: debug.length,
      debugHeader: debug.every((r) => r.headers['x-debug'] === 'on') ? 1 : 0,
    };
  },
  harmful: (m) => m.baseline === 1 && m.dropped === 2 && m.noStatus === m.debug,
  cured: (m) => m.baseline === 1 && m.ifHeader === 1 && m.dropped === 0 && m.noStatus === 0 && m.debugHeader === 1,
  show: (m) => `?x=1 reply lacked ${m.dropped}/2 of X-Served-By, X-Loc; ${m.noStatus}/${m.debug} X-Debug replies lacked X-Cache-Status`,
});
