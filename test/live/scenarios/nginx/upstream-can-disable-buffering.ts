// proxy_ignore_headers overrides the app's Cache-Control, Expires and Set-Cookie, but not X-Accel-Buffering: a
// response with `X-Accel-Buffering: no` is passed unbuffered and never stored, so the app still turns caching off.
import { scenario, tenGets } from '../../lib/scenario';

export default scenario({
  rule: 'nginx/upstream-can-disable-buffering',
  claim: 'X-Accel-Buffering: no from the app: responses never cached',
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: { '/': { headers: { 'X-Accel-Buffering': 'no', 'Cache-Control': 'no-cache' } } },
  ...tenGets('/page'),
});
