// VS Code entry: starts the cachelint language server over IPC and registers the commands. No analysis here.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
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

/** What `activate` returns: the running client, for tests and other extensions. */
export interface CachelintApi {
  readonly client: LanguageClient | undefined;
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
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: result.markdown });
  try {
    await vscode.commands.executeCommand('markdown.showPreviewToSide', doc.uri);
  } catch {
    // Without the built-in Markdown extension, show the Markdown source instead.
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<CachelintApi> {
  const output = vscode.window.createOutputChannel('cachelint', { log: true });
  context.subscriptions.push(output);
  client = createClient(context, output);

  context.subscriptions.push(
    vscode.commands.registerCommand('cachelint.showEffectivePolicy', async () => {
      try {
        await showEffectivePolicy();
      } catch (err) {
        output.error(`Show effective cache policy failed: ${err instanceof Error ? err.message : String(err)}`);
        void vscode.window.showErrorMessage('cachelint: could not get the cache policy (see the "cachelint" output).');
      }
    }),
    vscode.commands.registerCommand('cachelint.restartServer', async () => {
      if (!client) client = createClient(context, output);
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

  try {
    await client.start();
  } catch (err) {
    // Keep the commands (restart) available even when the first start fails.
    output.error(`Starting the language server failed: ${err instanceof Error ? err.message : String(err)}`);
    void vscode.window.showErrorMessage('cachelint: the language server did not start (see the "cachelint" output).');
  }
  return {
    get client() {
      return client;
    },
  };
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c?.isRunning()) await c.stop();
}
