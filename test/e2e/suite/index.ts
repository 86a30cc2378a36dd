// Entry of the extension-host test suite: the editor loads this module (extensionTestsPath) and calls
// run(). Used unchanged by the code-server runner and by the @vscode/test-electron runner.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** Runs the suite; rejects when a test fails. Writes a plain-text report to $CACHELINT_E2E_REPORT. */
export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  const grep = process.env.CACHELINT_E2E_GREP;
  if (grep) mocha.grep(grep);
  mocha.addFile(path.join(__dirname, 'extension.test.js'));
  const lines: string[] = [];
  const report = process.env.CACHELINT_E2E_REPORT;
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passed = runner.stats?.passes ?? 0;
      lines.push(`exthost: ${passed} passed, ${failures} failed`);
      if (report) fs.writeFileSync(report, `${lines.join('\n')}\n`);
      if (failures) reject(new Error(`${failures} extension-host tests failed`));
      else resolve();
    });
    runner.on('pass', (t) => lines.push(`  ok   ${t.fullTitle()} (${t.duration ?? 0} ms)`));
    runner.on('fail', (t, err: Error) => lines.push(`  FAIL ${t.fullTitle()}: ${String(err?.message ?? err).split('\n').slice(0, 6).join(' | ')}`));
  });
}
