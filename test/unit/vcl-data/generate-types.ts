// Records what varnishd 7.1 says about the type-checking cases (typeCases.ts) into fixtures/types-7.1.1.json, the
// ground truth of test/unit/vcl/types.test.ts.   node --import tsx test/unit/vcl-data/generate-types.ts
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CURATED, randomTypeCases, typeCaseVcl } from './typeCases';
import { compile, varnishdVersion } from './varnishd';
import { mapLimit } from '../../mapLimit';

export interface TypeCase {
  stmt: string;
  ok: boolean;
  /** The first line of varnishd's message when it refused the VCL. */
  message?: string;
}

async function main(): Promise<void> {
  const stmts = [...new Set([...CURATED, ...randomTypeCases(7, 900), ...randomTypeCases(99, 1500)])];
  const results = await mapLimit(stmts, 3, (s) => compile(typeCaseVcl(s)));
  const cases: TypeCase[] = stmts.map((stmt, i) => (results[i].ok ? { stmt, ok: true } : { stmt, ok: false, message: results[i].message.split('\n')[0] }));
  const out = { varnishd: varnishdVersion(), cases };
  fs.writeFileSync(path.join(__dirname, 'fixtures', 'types-7.1.1.json'), JSON.stringify(out, null, 0).replace(/\},\{/g, '},\n{') + '\n');
  console.log(`${cases.length} cases, ${cases.filter((c) => c.ok).length} accepted by ${out.varnishd}`);
}

void main();
