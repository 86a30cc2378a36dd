// VS Code entry: starts the cachelint language server over IPC and registers the commands. No analysis here.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

/** Same method name as the server's `EFFECTIVE_POLICY_REQUEST` (kept here so the client bundle stays server-free). */
const EFFECTIVE_POLICY_REQUEST = 'cachelint/effectivePolicy';
const LANGUAGES = ['nginx', 'vcl'];

interface EffectivePolicyResult {
  markdown: string | null;
}

/** Read-only documents showing a policy card: `cachelint-policy:/<name>.md?<n>`. */
const POLICY_SCHEME = 'cachelint-policy';

/** What the status-bar item shows: the server's state and the findings in the active file. */
export interface CachelintStatus {
  state: 'starting' | 'running' | 'stopped';
  /** cachelint diagnostics in the active editor's file; undefined when it is not an nginx/VCL file. */
  findings: number | undefined;
  text: string;
  visible: boolean;
}

/** What `activate` returns: the running client and the status, for tests and other extensions. */
export interface CachelintApi {
  readonly client: LanguageClient | undefined;
  readonly status: CachelintStatus;
}

let client: LanguageClient | undefined;

function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'nginx' },
      { scheme: 'file', language: 'vcl' },
      { scheme: 'untitled', language: 'nginx' },
      { scheme: 'untitled', language: 'vcl' },
    ],
    synchronize: { configurationSection: 'cachelint' },
    outputChannel: output,
  };
  return new LanguageClient('cachelint', 'cachelint', serverOptions, clientOptions);
}

async function showEffectivePolicy(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !LANGUAGES.includes(editor.document.languageId)) {
    void vscode.window.showInformationMessage('cachelint: open an nginx or VCL file and put the cursor in a server, location or sub.');
    return;
  }
  if (!client || !client.isRunning()) {
    void vscode.window.showWarningMessage('cachelint: the language server is not running. Run "cachelint: Restart language server".');
    return;
  }
  const c2p = client.code2ProtocolConverter;
  const result = await client.sendRequest<EffectivePolicyResult | null>(EFFECTIVE_POLICY_REQUEST, {
    textDocument: c2p.asTextDocumentIdentifier(editor.document),
    position: c2p.asPosition(editor.selection.active),
  });
  if (!result?.markdown) {
    void vscode.window.showInformationMessage('cachelint: no cache policy applies at the cursor.');
    return;
  }
  const name = path.basename(editor.document.uri.path);
  const uri = policyDocs.add(`${name}:${editor.selection.active.line + 1}`, result.markdown);
  try {
    await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
  } catch {
    // Without the built-in Markdown extension, show the Markdown source instead.
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }
}

/** Policy cards as read-only virtual documents: nothing to save, nothing asks to be saved on close. */
class PolicyDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private counter = 0;

  add(title: string, markdown: string): vscode.Uri {
    // Keep the last few cards only.
    if (this.texts.size >= 20) this.texts.delete(this.texts.keys().next().value as string);
    const uri = vscode.Uri.from({ scheme: POLICY_SCHEME, path: `/${title.replace(/[\\/]/g, '_')} policy.md`, query: String(++this.counter) });
    this.texts.set(uri.toString(), markdown);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

const policyDocs = new PolicyDocuments();

/** The status-bar item: server state and the number of cachelint findings in the active file. */
class StatusItem implements vscode.Disposable {
  readonly status: CachelintStatus = { state: 'starting', findings: undefined, text: '', visible: false };
  private readonly item = vscode.window.createStatusBarItem('cachelint.status', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor() {
    this.item.name = 'cachelint';
    this.item.command = 'cachelint.showOutput';
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.languages.onDidChangeDiagnostics((e) => {
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        if (active && e.uris.some((u) => u.toString() === active)) this.update();
      }),
    );
    this.update();
  }

  setState(state: CachelintStatus['state']): void {
    this.status.state = state;
    this.update();
  }

  update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const relevant = doc !== undefined && LANGUAGES.includes(doc.languageId);
    const findings = relevant ? vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'cachelint').length : undefined;
    const s = this.status;
    s.findings = findings;
    if (s.state === 'starting') {
      s.text = '$(sync~spin) cachelint';
      this.item.tooltip = 'cachelint: the language server is starting';
    } else if (s.state === 'stopped') {
      s.text = '$(error) cachelint';
      this.item.tooltip = 'cachelint: the language server is not running (click for its output; "cachelint: Restart language server" starts it)';
    } else if (findings === undefined || findings === 0) {
      s.text = '$(check) cachelint';
      this.item.tooltip = findings === undefined ? 'cachelint: running' : 'cachelint: no cache problems in this file';
    } else {
      s.text = `$(warning) cachelint: ${findings}`;
      this.item.tooltip = `cachelint: ${findings} finding${findings === 1 ? '' : 's'} in this file`;
    }
    this.item.text = s.text;
    this.item.backgroundColor = s.state === 'stopped' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    s.visible = relevant || s.state === 'stopped';
    if (s.visible) this.item.show();
    else this.item.hide();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<CachelintApi> {
  const output = vscode.window.createOutputChannel('cachelint', { log: true });
  const statusItem = new StatusItem();
  context.subscriptions.push(output, statusItem, vscode.workspace.registerTextDocumentContentProvider(POLICY_SCHEME, policyDocs));
  const watchState = (c: LanguageClient) =>
    c.onDidChangeState((e) => statusItem.setState(e.newState === State.Running ? 'running' : e.newState === State.Starting ? 'starting' : 'stopped'));
  client = createClient(context, output);
  context.subscriptions.push(watchState(client));

  context.subscriptions.push(
    vscode.commands.registerCommand('cachelint.showEffectivePolicy', async () => {
      try {
        await showEffectivePolicy();
      } catch (err) {
        output.error(`Show effective cache policy failed: ${err instanceof Error ? err.message : String(err)}`);
        void vscode.window.showErrorMessage('cachelint: could not get the cache policy (see the "cachelint" output).');
      }
    }),
    vscode.commands.registerCommand('cachelint.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('cachelint.restartServer', async () => {
      if (!client) {
        client = createClient(context, output);
        context.subscriptions.push(watchState(client));
      }
      try {
        if (client.isRunning()) await client.restart();
        else await client.start();
        output.info('Language server restarted.');
      } catch (err) {
        output.error(`Restarting the language server failed: ${err instanceof Error ? err.message : String(err)}`);
        void vscode.window.showErrorMessage('cachelint: the language server did not restart (see the "cachelint" output).');
      }
    }),
  );

  // The server starts in the background: activation returns at once, and the status bar shows
  // "starting" until the server answers; diagnostics arrive when it is running.
  client.start().catch((err: unknown) => {
    // Keep the commands (restart) available even when the first start fails.
    statusItem.setState('stopped');
    output.error(`Starting the language server failed: ${err instanceof Error ? err.message : String(err)}`);
    void vscode.window.showErrorMessage('cachelint: the language server did not start (see the "cachelint" output).');
  });
  return {
    get client() {
      return client;
    },
    get status() {
      return { ...statusItem.status };
    },
  };
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c?.isRunning()) await c.stop();
}
