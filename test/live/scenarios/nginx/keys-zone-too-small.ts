// keys_zone=a:1m holds about 8,100 keys although max_size=10g has room for far more entries: scanning 9,000
// small objects fills the zone, nginx evicts the least recently used keys (and their files), and the first
// pages requested again miss although they are still fresh and the disk is nearly empty.
import { hitCount, scenario } from '../../lib/scenario';

const SCAN = 9000;
const AGAIN = 500;

export default scenario({
  rule: 'nginx/keys-zone-too-small',
  claim: 'keys_zone 1m (~8,100 keys): a 9,000-URL working set evicts fresh entries',
  listen: '127.0.0.1:8080',
  unsafe: true,
  backend: { '/': { headers: { 'Cache-Control': 'max-age=600' }, body: 'item\n' } },
  run: async (t) => {
    // 9,000 distinct URLs, 25 at a time, then the first 500 again.
    const batch = (from: number) => Promise.all(Array.from({ length: 25 }, (_x, j) => t.get(`/item/${from + j}`)));
    for (let i = 0; i < SCAN; i += 25) await batch(i);
    const replies = [];
    for (let i = 0; i < AGAIN; i += 25) replies.push(...(await batch(i)));
    return { hits: hitCount(replies), requests: replies.length, refetched: t.backend.count('/item/') - SCAN };
  },
  harmful: (m) => Number(m.hits) <= Number(m.requests) / 10,
  cured: (m) => m.hits === m.requests && m.refetched === 0,
  show: (m) => `after ${SCAN} URLs, the first ${AGAIN} again: ${m.hits}/${m.requests} HITs, ${m.refetched} refetched`,
});
