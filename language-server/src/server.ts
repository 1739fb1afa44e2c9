// Entry point of the DBOS Replay language server (dist/language-server.js): `node dist/language-server.js --stdio`.
// Runs in its own process, started by the extension with vscode-languageclient; never imports 'vscode'.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startLanguageServer } from './languageServer';

// createConnection() picks the transport from argv (--stdio, --node-ipc, --socket=N).
const connection = createConnection(ProposedFeatures.all);
startLanguageServer(connection);
connection.listen();
