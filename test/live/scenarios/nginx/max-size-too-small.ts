// max_size=50m: a working set of 80 objects of 1 MB does not fit, the cache manager deletes the least recently
// used files while they are still fresh, and they miss again. The manager of an empty cache sleeps 10 s after
// nginx starts before it looks again, hence the long wait (the scenario takes about 12 s per phase).
import { hitCount, scenario } from '../../lib/scenario';

const MB = 'x'.repeat(1024 * 1024);

export default scenario({
  rule: 'nginx/max-size-too-small',
  claim: 'max_size=50m: fresh objects of an 80 MB working set evicted and refetched',
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: { '/': { headers: { 'Cache-Control': 'max-age=600' }, body: MB } },
  run: async (t) => {
    for (let i = 0; i < 80; i++) await t.get(`/video/${i}`);
    await t.sleep(10_500); // the cache manager's next look (10 s after start, when it found the cache empty)
    const replies = [];
    for (let i = 0; i < 20; i++) replies.push(await t.get(`/video/${i}`));
    return { hits: hitCount(replies), requests: replies.length, refetched: t.backend.count('/video/') - 80 };
  },
  harmful: (m) => Number(m.hits) <= 2,
  cured: (m) => m.hits === m.requests && m.refetched === 0,
  show: (m) => `after 80 MB of fresh objects, the first 20 again: ${m.hits}/${m.requests} HITs, ${m.refetched} refetched`,
});
