// Layer "ui": Playwright (playwright-core + Debian Chromium) drives the real VS Code workbench served
// by code-server with the installed .vsix, the way a user would: the squiggle, the Problems panel, the
// hover, Ctrl+. on the quick-fix, Ctrl+S, and the file on disk. Saves the README's screenshots.
// Usage: node --import tsx test/e2e/ui.ts --vsix FILE [--images DIR]
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, logger, runFolder, startCodeServer, stopGroup, summary, until, type CodeServer } from './lib/harness';
import { INCIDENT, ROOT } from './lib/workspace';

const LAYER = 'ui';
const STEP_TIMEOUT_MS = 60_000;
const KEY_LINE = 'proxy_cache_key $scheme$host$request_uri$request_id;';
const FIXED_KEY_LINE = 'proxy_cache_key $scheme$host$request_uri;';
const MESSAGE = 'proxy_cache_key contains $request_id';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Centre of an element, for the mouse. */
async function centre(page: Page, selector: ReturnType<Page['locator']>): Promise<{ x: number; y: number }> {
  await selector.waitFor({ state: 'visible' });
  const box = await selector.boundingBox();
  if (!box) throw new Error('element has no box');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Waits until the visible hover has finished fading in (a screenshot mid-fade shows the code through it). */
async function hoverSettled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const g = globalThis as unknown as {
      document: { querySelectorAll(s: string): ArrayLike<{ classList: { contains(c: string): boolean } }> };
      getComputedStyle(e: unknown): { opacity: string };
    };
    const hovers = Array.from(g.document.querySelectorAll('.monaco-hover')).filter((e) => !e.classList.contains('hidden'));
    return hovers.length > 0 && hovers.every((e) => g.getComputedStyle(e).opacity === '1');
  });
}

async function main(): Promise<boolean> {
  const vsix = path.resolve(arg('vsix') ?? '');
  if (!fs.existsSync(vsix)) throw new Error(`--vsix ${vsix}: no such file`);
  const images = path.resolve(arg('images') ?? path.join(ROOT, 'images'));
  const log = logger(LAYER);
  const run = runFolder(LAYER);
  const ws = path.join(run.root, 'ws');
  fs.cpSync(INCIDENT, ws, { recursive: true });
  const shopFile = path.join(ws, 'conf.d', 'shop.conf');
  const original = fs.readFileSync(shopFile, 'utf8');

  let server: CodeServer | undefined;
  let browser: BrowserContext | undefined;
  let page: Page | undefined;
  let passed = 0;
  let failed = 0;
  const shots: Array<[string, string]> = [];
  const step = async (name: string, body: () => Promise<void>) => {
    if (failed) return;
    try {
      await body();
      passed++;
      log(`ok   ${name}`);
    } catch (err) {
      failed++;
      log(`FAIL ${name}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  };
  const shot = async (name: string) => {
    const file = path.join(run.root, name);
    await page!.screenshot({ path: file });
    shots.push([file, name]);
  };

  try {
    server = await startCodeServer(run, vsix, {}, { 'workbench.colorTheme': 'Default Dark Modern', 'editor.fontSize': 14, 'window.commandCenter': false, 'workbench.reduceMotion': 'on' });
    log(`code-server on 127.0.0.1:${server.port}`);
    browser = await launchChromium(run, { width: 1280, height: 900 });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    const p = page;
    await p.goto(`http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(ws)}`);
    await p.waitForSelector('.monaco-workbench');

    const keyLine = p.locator('.monaco-editor .view-line', { hasText: KEY_LINE });

    await step('open conf.d/shop.conf from the explorer; the language is nginx', async () => {
      await p.getByRole('treeitem', { name: 'conf.d' }).click();
      await p.getByRole('treeitem', { name: 'shop.conf' }).click();
      await keyLine.waitFor();
      const mode = (await p.locator('[id="status.editor.mode"]').innerText()).trim();
      if (!/nginx/i.test(mode)) throw new Error(`language mode is "${mode}"`);
    });

    await step('the error squiggle appears under $request_id', async () => {
      await p.locator('.monaco-editor .squiggly-error').first().waitFor();
    });

    await step('the Problems panel lists the finding with its rule id', async () => {
      await p.keyboard.press('Control+Shift+M');
      const row = p.locator('.markers-panel .monaco-list-row', { hasText: MESSAGE });
      await row.first().waitFor();
      const text = (await row.first().innerText()).replace(/\s+/g, ' ');
      if (!text.includes('nginx/cache-key-volatile-variable')) throw new Error(`row without the rule id: ${text}`);
    });

    await step('the status bar shows the findings of the file', async () => {
      await p.locator('.statusbar-item', { hasText: /cachelint: [1-9]\d*/ }).first().waitFor();
    });

    await step('hovering the squiggle shows the finding and the documentation of $request_id', async () => {
      const at = await centre(p, p.locator('.monaco-editor .squiggly-error').first());
      await p.mouse.move(at.x, at.y);
      await p.locator('.monaco-hover', { hasText: MESSAGE }).first().waitFor({ state: 'visible' });
      await hoverSettled(p);
      await shot('screenshot.png');
    });

    await step('hovering the location shows the effective-policy card', async () => {
      await p.mouse.move(5, 5);
      await p.locator('.monaco-hover').first().waitFor({ state: 'hidden' });
      // More room for the card: hide the panel for this shot, then bring the Problems view back.
      await p.keyboard.press('Control+J');
      await p.locator('.markers-panel').first().waitFor({ state: 'hidden' });
      const keyword = p
        .locator('.monaco-editor .view-line', { hasText: 'location /api/ {' })
        .locator('span > span', { hasText: /^location$/ })
        .first();
      const at = await centre(p, keyword);
      await p.mouse.move(at.x, at.y);
      await p.locator('.monaco-hover', { hasText: 'proxy cache in zone' }).first().waitFor({ state: 'visible' });
      await hoverSettled(p);
      await shot('tour-policy-card.png');
      await p.mouse.move(5, 5);
      await p.keyboard.press('Control+Shift+M');
      await p.locator('.markers-panel .monaco-list-row', { hasText: MESSAGE }).first().waitFor();
    });

    await step('Ctrl+. offers the quick-fix and Enter applies it to the buffer', async () => {
      await p.mouse.move(5, 5);
      await keyLine.click();
      await p.keyboard.press('End');
      await p.keyboard.press('ArrowLeft');
      await p.keyboard.press('ArrowLeft');
      await p.keyboard.press('Control+.');
      const fix = p.locator('.action-widget .monaco-list-row', { hasText: 'Remove $request_id from the cache key' });
      await fix.first().waitFor();
      await shot('tour-quick-fix.png');
      // Clicking a row is intercepted by the context view's pointer block: move the focus with the keyboard.
      const rows = p.locator('.action-widget .monaco-list-row.action');
      for (let i = 0; i < 10; i++) {
        const focused = p.locator('.action-widget .monaco-list-row.focused');
        if ((await focused.count()) > 0 && (await focused.first().innerText()).includes('Remove $request_id')) break;
        if (i === 9) throw new Error(`the fix never got the focus among ${await rows.allInnerTexts()}`);
        await p.keyboard.press('ArrowDown');
      }
      await p.keyboard.press('Enter');
      await p.locator('.monaco-editor .view-line', { hasText: FIXED_KEY_LINE }).waitFor();
    });

    await step('Ctrl+S writes the fixed file to disk, nothing else changed', async () => {
      await p.keyboard.press('Control+S');
      const saved = await until('the fix on disk', () => {
        const text = fs.readFileSync(shopFile, 'utf8');
        return text !== original ? text : undefined;
      });
      const expected = original.replace(KEY_LINE, FIXED_KEY_LINE);
      if (saved !== expected) throw new Error(`file on disk differs from the expected fix:\n${saved}`);
    });

    await step('the finding leaves the Problems panel and the squiggle goes', async () => {
      await p.locator('.markers-panel .monaco-list-row', { hasText: MESSAGE }).first().waitFor({ state: 'detached' });
      await p.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'detached' });
    });
  } catch (err) {
    failed++;
    log(`FAIL setup: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    if (failed && page) await page.screenshot({ path: path.join(run.root, 'failure.png') }).catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await stopGroup(server?.child);
    if (failed && server) console.error(`code-server log: ${server.logFile}`);
  }
  if (!failed) {
    fs.mkdirSync(images, { recursive: true });
    for (const [file, name] of shots) fs.copyFileSync(file, path.join(images, name));
    log(`screenshots written to ${path.relative(ROOT, images) || '.'}: ${shots.map(([, n]) => n).join(', ')}`);
  }
  run.finish(failed === 0);
  console.log(summary(LAYER, passed, failed));
  return failed === 0 && passed > 0;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    console.log(summary(LAYER, 0, 1));
    process.exit(1);
  },
);
