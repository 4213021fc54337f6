// The Cairn extension's client: starts `cairn lsp` over stdio and connects
// it to every `.cairn` document. Highlighting comes from the TextMate grammar
// and works without the server.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

/** Creates a client for `cairn lsp` from the current configuration. */
function createClient() {
  const config = vscode.workspace.getConfiguration("cairn");
  const command = config.get("server.path") || "cairn";
  const args = ["lsp", ...(config.get("server.extraArgs") || [])];
  const serverOptions = {
    run: { command, args, transport: TransportKind.stdio },
    debug: { command, args, transport: TransportKind.stdio },
  };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "cairn" }, { scheme: "untitled", language: "cairn" }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.cairn") },
  };
  return new LanguageClient("cairn", "Cairn language server", serverOptions, clientOptions);
}

/** Starts the language server, and restarts it when its settings change. */
function activate(context) {
  client = createClient();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("cairn.server")) {
        await client.stop();
        client = createClient();
        await client.start();
      }
    }),
  );
  return client.start();
}

/** Stops the language server when the extension is deactivated. */
function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
