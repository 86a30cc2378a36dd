// Runs inside the real VS Code extension host against the installed extension, through the public
// `vscode` API only. The workspace is written by test/e2e/lib/workspace.ts (writeExthostWorkspace).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';

const EXT_ID = 'cachelint.cachelint';
const VOLATILE = 'nginx/cache-key-volatile-variable';
const UPSTREAM_TTL = 'nginx/upstream-ttl-overrides-cache-valid';
const INACTIVE = 'nginx/inactive-shorter-than-ttl';
const TINY_TTL = 'nginx/cache-valid-zero-or-tiny';
/** The same as test/e2e/lib/workspace.ts BIG_MARKER (this file is compiled on its own). */
const BIG_MARKER = 'proxy_cache_valid 200 0;';
const WAIT_MS = 30_000;

interface StatusView {
  state: string;
  findings: number | undefined;
  text: string;
  visible: boolean;
}

function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'a workspace folder is open');
  return f.uri;
}

const fileUri = (...parts: string[]) => vscode.Uri.joinPath(folder(), ...parts);

async function open(...parts: string[]): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(fileUri(...parts));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'cachelint');
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
const withRule = (list: vscode.Diagnostic[], rule: string) => list.filter((d) => codeOf(d) === rule);
/** Errors and warnings only. */
const serious = (list: vscode.Diagnostic[]) => list.filter((d) => d.severity <= vscode.DiagnosticSeverity.Warning);
const describe_ = (list: vscode.Diagnostic[]) => JSON.stringify(list.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${codeOf(d)}`));

/** Resolves with cachelint's diagnostics for `uri` once `ok` holds; waits on diagnostic-change events. */
function diagnosticsWhen(uri: vscode.Uri, what: string, ok: (d: vscode.Diagnostic[]) => boolean, ms = WAIT_MS): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const list = ours(uri);
      if (!ok(list)) return false;
      done();
      resolve(list);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}; last: ${describe_(ours(uri))}`));
    }, ms);
    const done = () => {
      clearTimeout(timer);
      sub.dispose();
    };
    check();
  });
}

/** Waits until `probe` returns a value, re-checking on each of the given events. */
function eventually<T>(what: string, probe: () => T | undefined, events: Array<vscode.Event<unknown>>, ms = WAIT_MS): Promise<T> {
  return new Promise((resolve, reject) => {
    const subs: vscode.Disposable[] = [];
    const done = () => {
      clearTimeout(timer);
      for (const s of subs) s.dispose();
    };
    const check = () => {
      const v = probe();
      if (v === undefined) return;
      done();
      resolve(v);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    for (const e of events) subs.push(e(check));
    check();
  });
}

/**
 * Re-checks `probe` every 50 ms until it gives a value, for states that raise no event (activation,
 * a provider registered once the server is up); fails after `ms`.
 */
async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = WAIT_MS): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `p`, or a rejection naming `what` after `ms`. */
async function withTimeout<T>(p: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function positionOf(doc: vscode.TextDocument, needle: string, delta = 0): vscode.Position {
  const i = doc.getText().indexOf(needle);
  assert.ok(i >= 0, `"${needle}" not in ${doc.uri.path}`);
  return doc.positionAt(i + delta);
}

function rangeOf(doc: vscode.TextDocument, needle: string): vscode.Range {
  const start = positionOf(doc, needle);
  return new vscode.Range(start, start.translate(0, needle.length));
}

async function hoverText(uri: vscode.Uri, pos: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos);
  return hovers
    .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')))
    .join('\n');
}

async function quickFixes(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<Array<vscode.CodeAction | vscode.Command>>(
    'vscode.executeCodeActionProvider',
    uri,
    diagnostic.range,
    vscode.CodeActionKind.QuickFix.value,
  );
  return actions.filter((a): a is vscode.CodeAction => 'edit' in a || 'kind' in a);
}

const disk = (uri: vscode.Uri) => fs.readFileSync(uri.fsPath, 'utf8');

async function applyAndSave(action: vscode.CodeAction, doc: vscode.TextDocument): Promise<void> {
  assert.ok(action.edit, `"${action.title}" has an edit`);
  assert.ok(await vscode.workspace.applyEdit(action.edit), `"${action.title}" applied`);
  for (const [uri] of action.edit.entries()) {
    const edited = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? doc;
    assert.ok(await edited.save(), `${uri.path} saved`);
  }
}

function api(): { status: StatusView } {
  const ext = vscode.extensions.getExtension<{ status: StatusView }>(EXT_ID);
  assert.ok(ext?.isActive, 'extension active');
  return ext.exports;
}

describe('cachelint in the VS Code extension host', () => {
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('activates on a .vcl file (the first file opened) and serves it: language vcl, outline of subs', async () => {
    const ext = vscode.extensions.getExtension(EXT_ID);
    assert.ok(ext, 'the installed extension is known');
    assert.equal(ext.isActive, false, 'not active before an nginx/VCL file is opened');
    const doc = await open('vcl', 'default.vcl');
    assert.equal(doc.languageId, 'vcl');
    await until('activation by the .vcl file', () => (ext.isActive ? true : undefined));
    const names = await until('the VCL outline from the server', async () => {
      const list = (await vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>('vscode.executeDocumentSymbolProvider', doc.uri)) ?? [];
      const n = list.map((s) => s.name);
      return n.includes('sub vcl_recv') ? n : undefined;
    });
    assert.ok(names.includes('sub vcl_backend_response') && names.includes('backend app'), `subs in the outline: ${JSON.stringify(names)}`);
  });

  it('VCL: a syntax error is reported; hover on vcl_recv shows the built-in behaviour; completion follows the sub; call goes to the sub', async () => {
    const broken = await open('vcl', 'broken.vcl');
    const [syntax] = withRule(await diagnosticsWhen(broken.uri, 'vcl/syntax', (d) => withRule(d, 'vcl/syntax').length === 1), 'vcl/syntax');
    assert.equal(syntax.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(syntax.range.start.line, broken.positionAt(broken.getText().lastIndexOf('}')).line, 'at the closing brace, as varnishd reports it');
    assert.match(syntax.message, /Expected ';' got '}'/);

    const doc = await open('vcl', 'default.vcl');
    const recv = await hoverText(doc.uri, positionOf(doc, 'vcl_recv', 2));
    assert.match(recv, /built-in subroutine/);
    assert.match(recv, /\| falls through \| the built-in still runs/);
    const variable = await hoverText(doc.uri, positionOf(doc, 'req.url', 2));
    assert.match(variable, /\*\*req\.url\*\* — `STRING`/);

    const items = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, positionOf(doc, 'call strip_cookies'));
    const labels = items.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('req.url'), 'req.url offered in vcl_recv');
    assert.ok(!labels.includes('beresp.ttl'), 'beresp.ttl not offered in vcl_recv');

    const defs = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>('vscode.executeDefinitionProvider', doc.uri, positionOf(doc, 'strip_cookies;', 2));
    const target = defs.map((d) => ('targetUri' in d ? d.targetRange : d.range))[0];
    assert.ok(target, 'a definition');
    assert.equal(target.start.line, positionOf(doc, 'sub strip_cookies').line);
  });

  it('opens nginx.conf as language nginx and reports the incident with rule ids, ranges and severities', async () => {
    const main = await open('incident', 'nginx.conf');
    assert.equal(main.languageId, 'nginx');
    const mainDiags = await diagnosticsWhen(main.uri, 'inactive finding', (d) => withRule(d, INACTIVE).length === 1);
    const inactive = withRule(mainDiags, INACTIVE)[0];
    assert.equal(inactive.severity, vscode.DiagnosticSeverity.Warning);
    assert.deepEqual(inactive.range, rangeOf(main, 'inactive=30s'));

    const shop = await open('incident', 'conf.d', 'shop.conf');
    assert.equal(shop.languageId, 'nginx');
    const list = await diagnosticsWhen(shop.uri, 'shop.conf findings', (d) => withRule(d, VOLATILE).length === 1 && withRule(d, UPSTREAM_TTL).length === 1);
    // The two incident findings are the only errors and warnings; the rest are information (tuning advice).
    assert.deepEqual(serious(list).map(codeOf).sort(), [VOLATILE, UPSTREAM_TTL].sort(), describe_(list));
    const volatile = withRule(list, VOLATILE)[0];
    assert.ok(volatile, describe_(list));
    assert.equal(volatile.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual(volatile.range, rangeOf(shop, '$request_id;').with({ end: positionOf(shop, '$request_id;', '$request_id'.length) }));
    assert.match(volatile.message, /\$request_id/);
    const ttl = withRule(list, UPSTREAM_TTL)[0];
    assert.ok(ttl, describe_(list));
    assert.equal(ttl.severity, vscode.DiagnosticSeverity.Warning);
    assert.deepEqual(ttl.range, rangeOf(shop, 'proxy_cache_valid 200 301 10m;'));
  });

  it('shows the server state and the number of findings in the status bar', async () => {
    const shop = await open('incident', 'conf.d', 'shop.conf');
    const status = await eventually(
      'status with 2 findings',
      () => {
        const s = api().status;
        const n = ours(shop.uri).length;
        return s.state === 'running' && n >= 2 && s.findings === n ? s : undefined;
      },
      [vscode.languages.onDidChangeDiagnostics, vscode.window.onDidChangeActiveTextEditor],
    );
    assert.ok(status.visible);
    assert.equal(status.text, `$(warning) cachelint: ${ours(shop.uri).length}`);
  });

  it('hover on proxy_cache shows the effective-policy card', async () => {
    const shop = await open('incident', 'conf.d', 'shop.conf');
    const text = await hoverText(shop.uri, positionOf(shop, 'proxy_cache shop;', 3));
    assert.match(text, /zone `shop`/);
    assert.match(text, /\| key \| `\$scheme\$host\$request_uri\$request_id`/);
    assert.match(text, /TTL 200, 301 \| 10 min/);
    assert.match(text, /inactive 30 s/);
  });

  it('hover on a directive shows its nginx documentation', async () => {
    const shop = await open('incident', 'conf.d', 'shop.conf');
    const text = await hoverText(shop.uri, positionOf(shop, 'proxy_cache_lock on;', 3));
    assert.match(text, /\*\*proxy_cache_lock\*\*/);
    assert.match(text, /Syntax: `proxy_cache_lock`/);
    assert.match(text, /nginx\.org\/en\/docs\/http\/ngx_http_proxy_module\.html#proxy_cache_lock/);
  });

  it('"Show effective cache policy" opens the card for the cursor as a read-only document', async () => {
    const shop = await open('incident', 'conf.d', 'shop.conf');
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor && editor.document === shop);
    const at = positionOf(shop, 'proxy_cache_lock');
    editor.selection = new vscode.Selection(at, at);
    const opened = new Promise<vscode.TextDocument>((resolve) => {
      const sub = vscode.workspace.onDidOpenTextDocument((d) => {
        if (d.uri.scheme !== 'cachelint-policy') return;
        sub.dispose();
        resolve(d);
      });
    });
    await vscode.commands.executeCommand('cachelint.showEffectivePolicy');
    const card = await withTimeout(opened, 'the policy document');
    assert.match(card.getText(), /zone `shop`/);
    assert.match(card.getText(), /\| key \|/);
    assert.equal(card.isDirty, false);
  });

  it('go to definition from proxy_cache NAME lands on keys_zone in nginx.conf', async () => {
    const shop = await open('incident', 'conf.d', 'shop.conf');
    const defs = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>(
      'vscode.executeDefinitionProvider',
      shop.uri,
      positionOf(shop, 'proxy_cache shop;', 'proxy_cache '.length + 1),
    );
    const main = await vscode.workspace.openTextDocument(fileUri('incident', 'nginx.conf'));
    const targets = defs.map((d) => ('targetUri' in d ? { uri: d.targetUri, range: d.targetSelectionRange ?? d.targetRange } : d));
    const hit = targets.find((t) => t.uri.toString() === main.uri.toString());
    assert.ok(hit, `a target in nginx.conf: ${JSON.stringify(targets)}`);
    assert.ok(rangeOf(main, 'keys_zone=shop').contains(hit.range), `${JSON.stringify(hit.range)} inside keys_zone=shop`);
  });

  it('the outline has the server and its location', async () => {
    const shop = await open('incident', 'conf.d', 'shop.conf');
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', shop.uri);
    const server = symbols.find((s) => /server/.test(s.name) && s.kind === vscode.SymbolKind.Module);
    assert.ok(server, `server symbol: ${JSON.stringify(symbols.map((s) => s.name))}`);
    const location = server.children.find((s) => s.kind === vscode.SymbolKind.Method);
    assert.ok(location, 'location symbol under the server');
    assert.match(`${location.name} ${location.detail}`, /\/api\//);
    assert.ok(server.range.contains(location.range));
  });

  it('a file that is not open gets its findings from the workspace index, read through the nginx.conf that includes it', async () => {
    const shopUri = fileUri('included', 'conf.d', 'shop.conf');
    const mainUri = fileUri('included', 'nginx.conf');
    for (const u of [shopUri, mainUri]) assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === u.toString()), `${u.path} is not open`);
    const list = await diagnosticsWhen(shopUri, 'findings of the included file', (d) => withRule(d, VOLATILE).length === 1 && withRule(d, UPSTREAM_TTL).length === 1);
    assert.equal(withRule(list, VOLATILE)[0].severity, vscode.DiagnosticSeverity.Error);
    // The zone's inactive=30s is in nginx.conf: reported there although no file was opened.
    await diagnosticsWhen(mainUri, 'findings of nginx.conf', (d) => withRule(d, INACTIVE).length === 1);
  });

  it('each incident quick-fix is offered, and applied and saved it changes the file on disk and clears its diagnostic', async () => {
    const cases = [
      { file: ['fix-each', 'conf.d', 'shop.conf'], rule: VOLATILE, title: /Remove \$request_id/, before: '$request_uri$request_id;', after: '$request_uri;' },
      { file: ['fix-each', 'conf.d', 'shop.conf'], rule: UPSTREAM_TTL, title: /proxy_ignore_headers Cache-Control Expires/, before: undefined, after: 'proxy_ignore_headers Cache-Control Expires;' },
      { file: ['fix-each', 'nginx.conf'], rule: INACTIVE, title: /inactive=10m/, before: 'inactive=30s', after: 'inactive=10m' },
    ];
    for (const c of cases) {
      const doc = await open(...c.file);
      const [diagnostic] = withRule(await diagnosticsWhen(doc.uri, c.rule, (d) => withRule(d, c.rule).length === 1), c.rule);
      const actions = await quickFixes(doc.uri, diagnostic);
      const fix = actions.find((a) => c.title.test(a.title));
      assert.ok(fix, `${c.rule}: fix offered among ${JSON.stringify(actions.map((a) => a.title))}`);
      assert.ok(actions.some((a) => a.title === `Disable ${c.rule} for this line`), 'disable action offered too');
      const onDisk = disk(doc.uri);
      if (c.before) assert.ok(onDisk.includes(c.before));
      assert.ok(!onDisk.includes(c.after));
      await applyAndSave(fix, doc);
      const saved = disk(doc.uri);
      assert.ok(saved.includes(c.after), `${c.rule}: "${c.after}" on disk`);
      if (c.before) assert.ok(!saved.includes(c.before), `${c.rule}: "${c.before}" gone from disk`);
      await diagnosticsWhen(doc.uri, `${c.rule} cleared`, (d) => withRule(d, c.rule).length === 0);
    }
    const left = [...ours(fileUri('fix-each', 'nginx.conf')), ...ours(fileUri('fix-each', 'conf.d', 'shop.conf'))];
    // Ignoring Cache-Control (the unsafe fix) is only right for responses that are not personalised:
    // cachelint now asks exactly that, and nothing else is left.
    assert.deepEqual(serious(left).map(codeOf), ['nginx/ignore-cache-control-personalized'], 'after the three fixes only the personalisation question is left');
  });

  it('fix-all (source.fixAll.cachelint) applies every safe fix and leaves the unsafe one', async () => {
    for (const [file, fixed] of [
      [['fix-all', 'conf.d', 'shop.conf'], [VOLATILE]],
      [['fix-all', 'nginx.conf'], [INACTIVE]],
    ] as const) {
      const doc = await open(...file);
      await diagnosticsWhen(doc.uri, 'findings', (d) => fixed.every((r) => withRule(d, r).length === 1));
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        doc.uri,
        new vscode.Range(0, 0, doc.lineCount, 0),
        'source.fixAll.cachelint',
      );
      const fixAll = actions.find((a) => a.kind?.value === 'source.fixAll.cachelint');
      assert.ok(fixAll, `fix-all offered among ${JSON.stringify(actions.map((a) => a.title))}`);
      await applyAndSave(fixAll, doc);
      await diagnosticsWhen(doc.uri, 'safe findings fixed', (d) => fixed.every((r) => withRule(d, r).length === 0));
    }
    const shop = fileUri('fix-all', 'conf.d', 'shop.conf');
    assert.ok(disk(shop).includes('proxy_cache_key $scheme$host$request_uri;'));
    assert.ok(disk(fileUri('fix-all', 'nginx.conf')).includes('inactive=10m'));
    assert.ok(!disk(shop).includes('proxy_ignore_headers'), 'the unsafe fix is not part of fix-all');
    assert.equal(withRule(ours(shop), UPSTREAM_TTL).length, 1, 'the unsafe finding stays');
  });

  it('"Disable … for this line" inserts the comment and silences the finding', async () => {
    const doc = await open('disable', 'conf.d', 'shop.conf');
    const [diagnostic] = withRule(await diagnosticsWhen(doc.uri, 'volatile key', (d) => withRule(d, VOLATILE).length === 1), VOLATILE);
    const action = (await quickFixes(doc.uri, diagnostic)).find((a) => a.title === `Disable ${VOLATILE} for this line`);
    assert.ok(action, 'disable action');
    await applyAndSave(action, doc);
    const lines = disk(doc.uri).split('\n');
    const keyLine = lines.findIndex((l) => l.includes('proxy_cache_key'));
    assert.match(lines[keyLine - 1], new RegExp(`^\\s*# cachelint-disable-next-line ${VOLATILE}\\s*$`));
    assert.ok(lines[keyLine].includes('$request_id'), 'the directive itself is unchanged');
    await diagnosticsWhen(doc.uri, 'silenced', (d) => withRule(d, VOLATILE).length === 0 && withRule(d, UPSTREAM_TTL).length === 1);
  });

  it('setting a rule to "off" removes its diagnostics, and back to default restores them, without a reload', async () => {
    const doc = await open('settings', 'nginx.conf');
    await diagnosticsWhen(doc.uri, 'inactive', (d) => withRule(d, INACTIVE).length === 1);
    const config = vscode.workspace.getConfiguration('cachelint', doc.uri);
    await config.update('rules', { [INACTIVE]: 'off' }, vscode.ConfigurationTarget.Workspace);
    try {
      await diagnosticsWhen(doc.uri, 'rule off', (d) => withRule(d, INACTIVE).length === 0);
    } finally {
      await config.update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await diagnosticsWhen(doc.uri, 'rule back', (d) => withRule(d, INACTIVE).length === 1);
  });

  it('cachelint.enable false clears the file, true brings the findings back', async () => {
    const doc = await open('settings', 'conf.d', 'shop.conf');
    const before = (await diagnosticsWhen(doc.uri, 'findings', (d) => withRule(d, VOLATILE).length === 1)).length;
    const config = vscode.workspace.getConfiguration('cachelint', doc.uri);
    await config.update('enable', false, vscode.ConfigurationTarget.Workspace);
    try {
      await diagnosticsWhen(doc.uri, 'disabled', (d) => d.length === 0);
      assert.equal(await hoverText(doc.uri, positionOf(doc, 'proxy_cache shop;', 3)).then((t) => /zone `shop`/.test(t)), false);
    } finally {
      await config.update('enable', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await diagnosticsWhen(doc.uri, 'enabled again', (d) => d.length === before);
  });

  it('a 35,000-line config opens and is analysed without the extension host becoming unresponsive', async () => {
    let last = Date.now();
    let worstGap = 0;
    const tick = setInterval(() => {
      const now = Date.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
    }, 10);
    try {
      const doc = await open('big', 'nginx.conf');
      assert.ok(doc.lineCount >= 35_000, `${doc.lineCount} lines`);
      // More problems than cachelint.maxProblemsPerFile: the notice counts them, and the ones shown are
      // the most severe, nearest the last edit — before any edit, the top of the file.
      const opened = await diagnosticsWhen(doc.uri, 'the problems of the big file, with the notice', (d) => d.some((x) => /problems in this file and shows/.test(x.message)), 60_000);
      assert.ok(opened.length <= 1000, `${opened.length} problems published`);
      // An edit next to the tiny TTL near the end brings the problems there forward.
      const marker = positionOf(doc, BIG_MARKER);
      const edit = new vscode.WorkspaceEdit();
      edit.insert(doc.uri, new vscode.Position(marker.line, 0), '# edited\n');
      assert.ok(await vscode.workspace.applyEdit(edit));
      const list = await diagnosticsWhen(doc.uri, 'the tiny-TTL finding near the edit', (d) => withRule(d, TINY_TTL).length === 1, 60_000);
      assert.equal(withRule(list, TINY_TTL)[0].range.start.line, positionOf(doc, BIG_MARKER).line);
      const text = await hoverText(doc.uri, positionOf(doc, 'proxy_cache big;', 3));
      assert.match(text, /zone `big`/);
    } finally {
      clearInterval(tick);
    }
    assert.ok(worstGap < 1000, `the extension host's event loop stalled for ${worstGap} ms`);
  });
});
