// Layer "exthost": the mocha suite in test/e2e/suite runs inside code-server's real (Node) extension
// host against the installed .vsix. The web workbench takes extensionDevelopmentPath and
// extensionTestsPath from the URL's `payload`; headless Chromium opens it (the extension host starts
// only when a workbench connects) and the suite's result comes back through codeAutomationExit.
// Usage: node --import tsx test/e2e/exthost.ts --vsix FILE
import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchChromium, logger, runFolder, startCodeServer, stopGroup, summary, type CodeServer } from './lib/harness';
import { buildSuite } from './lib/suite';
import { writeExthostWorkspace } from './lib/workspace';
import type { BrowserContext } from 'playwright-core';

const LAYER = 'exthost';
const TIMEOUT_MS = Number(process.env.CACHELINT_E2E_TIMEOUT_MS ?? 300_000);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<boolean> {
  const vsix = path.resolve(arg('vsix') ?? '');
  if (!fs.existsSync(vsix)) throw new Error(`--vsix ${vsix}: no such file`);
  const log = logger(LAYER);
  const run = runFolder(LAYER);
  const ws = path.join(run.root, 'ws');
  fs.mkdirSync(ws);
  writeExthostWorkspace(ws);
  const report = path.join(run.root, 'report.txt');
  let server: CodeServer | undefined;
  let browser: BrowserContext | undefined;
  let ok = false;
  try {
    const tests = await buildSuite();
    server = await startCodeServer(run, vsix, { CACHELINT_E2E_REPORT: report, CACHELINT_E2E_GREP: process.env.CACHELINT_E2E_GREP ?? '' });
    log(`code-server on 127.0.0.1:${server.port}, extension installed at ${server.extensionDir}`);
    browser = await launchChromium(run);
    const page = browser.pages()[0] ?? (await browser.newPage());
    let exited!: (code: number) => void;
    const exitCode = new Promise<number>((r) => (exited = r));
    await page.exposeFunction('codeAutomationExit', (code: number) => exited(code));
    if (process.env.CACHELINT_E2E_CONSOLE) page.on('console', (m) => console.log(`  [workbench] ${m.text().slice(0, 300)}`));
    // A built workbench honours the test paths in the payload only with the smoke-test driver enabled,
    // which code-server's CLI does not expose: switch it on in the page's configuration before the
    // workbench reads it.
    await page.addInitScript(() => {
      // Runs in the page (this project's TypeScript has no DOM types).
      type PageElement = { id: string };
      const proto = (globalThis as unknown as { Element: { prototype: { getAttribute(this: PageElement, name: string): string | null } } }).Element.prototype;
      const original = proto.getAttribute;
      proto.getAttribute = function (this: PageElement, name: string) {
        const value = original.call(this, name);
        if (name === 'data-settings' && this.id === 'vscode-workbench-web-configuration' && value) {
          const config = JSON.parse(value);
          config.developmentOptions = { ...(config.developmentOptions ?? {}), enableSmokeTestDriver: true };
          return JSON.stringify(config);
        }
        return value;
      };
    });
    const authority = `127.0.0.1:${server.port}`;
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${authority}${server.extensionDir}`],
      ['extensionTestsPath', `vscode-remote://${authority}${tests}`],
    ];
    await page.goto(`http://${authority}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    log('workbench loading; the suite runs in the extension host');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exitCode, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), TIMEOUT_MS)))]);
    clearTimeout(timer);
    log(`extension host finished: ${code}`);
    const text = fs.existsSync(report) ? fs.readFileSync(report, 'utf8') : '';
    process.stdout.write(text.split('\n').filter((l) => !l.startsWith(`${LAYER}:`)).join('\n'));
    const m = new RegExp(`^${LAYER}: (\\d+) passed, (\\d+) failed$`, 'm').exec(text);
    ok = code === 0 && m !== null && Number(m[2]) === 0 && Number(m[1]) > 0;
    if (!ok) await page.screenshot({ path: path.join(run.root, 'failure.png') }).catch(() => undefined);
    console.log(m ? summary(LAYER, Number(m[1]), Number(m[2])) : `${summary(LAYER, 0, 1)} (no report from the suite: ${code})`);
    return ok;
  } finally {
    await browser?.close().catch(() => undefined);
    await stopGroup(server?.child);
    if (!ok && server) console.error(`code-server log: ${server.logFile}`);
    run.finish(ok);
  }
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    console.log(summary(LAYER, 0, 1));
    process.exit(1);
  },
);
