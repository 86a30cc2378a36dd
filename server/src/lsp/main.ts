// Entry of the language server bundle (dist/server.js): transport from argv (--stdio, --node-ipc, --socket=N).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { version } from '../../../package.json';
import { createNodeFileProvider } from '../node/fileProvider';
import { startServer } from './server';

const connection = createConnection(ProposedFeatures.all);

// Handlers are wrapped already; this is the last net for timers and stray promises.
process.on('uncaughtException', (err) => {
  connection.console.error(`cachelint: unexpected error: ${err.stack ?? err.message}`);
});
process.on('unhandledRejection', (reason) => {
  connection.console.error(`cachelint: unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
});

startServer(connection, { version, fileProvider: createNodeFileProvider() });
