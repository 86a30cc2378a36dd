// http sets X-Frame-Options; the server's own add_header (HSTS) replaces that list, and /api/v2/'s add_header
// replaces the server's: the security headers are missing from those responses.
import { scenario } from '../../lib/scenario';

const PATHS = ['/api/v2/', '/api/v2/x', '/no-such-file.html'];

export default scenario({
  rule: 'nginx/add-header-inner-replaces-outer',
  claim: 'inner add_header drops X-Frame-Options and HSTS of the outer levels',
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: {},
  run: async (t) => {
    let xfo = 0;
    let hsts = 0;
    for (const p of PATHS) {
      const r = await t.get(p);
      if (r.headers['x-frame-options']) xfo++;
      if (p.startsWith('/api/v2/') && r.headers['strict-transport-security']) hsts++;
    }
    return { xfo, requests: PATHS.length, hsts, api: 2 };
  },
  harmful: (m) => m.xfo === 0 && m.hsts === 0,
  cured: (m) => m.xfo === m.requests && m.hsts === m.api,
  show: (m) => `${m.xfo}/${m.requests} replies carried X-Frame-Options, ${m.hsts}/${m.api} /api/v2/ replies carried HSTS`,
});
