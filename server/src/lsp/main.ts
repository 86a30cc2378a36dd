// Entry of the language server bundle (dist/server.js): transport from argv (--stdio, --node-ipc, --socket=N).
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter, type Connection } from 'vscode-languageserver/node';
import { version } from '../../../package.json';
import { createNodeFileProvider } from '../node/fileProvider';
import { FrameRepair } from './framing';
import { startServer } from './server';

let connection: Connection;
if (process.argv.includes('--stdio')) {
  // Over stdio the byte stream is ours to frame: a malformed header must not end the session.
  const input = process.stdin.pipe(new FrameRepair((reason) => connection?.console.error(`cachelint: dropped malformed input: ${reason}`)));
  const reader = new StreamMessageReader(input);
  reader.onError((err) => connection?.console.error(`cachelint: dropped a malformed message: ${err instanceof Error ? err.message : String(err)}`));
  connection = createConnection(ProposedFeatures.all, reader, new StreamMessageWriter(process.stdout));
  // As with the library's own stdio transport: the client closing the stream ends the server, and
  // nothing else may write to stdout.
  process.stdin.on('end', () => process.exit(shutdownReceived() ? 0 : 1));
  process.stdin.on('close', () => process.exit(shutdownReceived() ? 0 : 1));
  const toLog = (...args: unknown[]) => connection.console.log(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  console.log = toLog;
  console.info = toLog;
  console.debug = toLog;
  console.warn = toLog;
} else {
  connection = createConnection(ProposedFeatures.all);
}

// Handlers are wrapped already; this is the last net for timers and stray promises.
process.on('uncaughtException', (err) => {
  connection.console.error(`cachelint: unexpected error: ${err.stack ?? err.message}`);
});
process.on('unhandledRejection', (reason) => {
  connection.console.error(`cachelint: unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
});

const server = startServer(connection, { version, fileProvider: createNodeFileProvider() });

function shutdownReceived(): boolean {
  return server.shutdownReceived;
}
