// Tests the extension's client code without VS Code: `vscode` and the
// language client are replaced by recording fakes, and the test checks that
// activation starts `<cairn.server.path> lsp <extraArgs>` for Cairn files and
// restarts the server when its settings change.
"use strict";

const assert = require("assert");
const Module = require("module");

const settings = { "server.path": "/opt/cairn/bin/cairn", "server.extraArgs": ["--verbose"] };
const started = [];
const stopped = [];
let configListener;

const fakeVscode = {
  workspace: {
    getConfiguration: (section) => {
      assert.strictEqual(section, "cairn");
      return { get: (key) => settings[key] };
    },
    createFileSystemWatcher: (glob) => ({ glob }),
    onDidChangeConfiguration: (listener) => {
      configListener = listener;
      return { dispose() {} };
    },
  },
};

class FakeClient {
  constructor(id, name, serverOptions, clientOptions) {
    Object.assign(this, { id, name, serverOptions, clientOptions });
  }
  start() {
    started.push(this);
    return Promise.resolve();
  }
  stop() {
    stopped.push(this);
    return Promise.resolve();
  }
}

const originalLoad = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === "vscode") return fakeVscode;
  if (request === "vscode-languageclient/node") return { LanguageClient: FakeClient, TransportKind: { stdio: 0 } };
  return originalLoad.call(this, request, parent, isMain);
};

(async () => {
  const extension = require("../extension.js");
  const context = { subscriptions: [] };
  await extension.activate(context);
  assert.strictEqual(started.length, 1);
  const client = started[0];
  assert.strictEqual(client.id, "cairn");
  assert.deepStrictEqual(client.serverOptions.run, {
    command: "/opt/cairn/bin/cairn",
    args: ["lsp", "--verbose"],
    transport: 0,
  });
  assert.deepStrictEqual(client.clientOptions.documentSelector, [
    { scheme: "file", language: "cairn" },
    { scheme: "untitled", language: "cairn" },
  ]);
  assert.strictEqual(client.clientOptions.synchronize.fileEvents.glob, "**/*.cairn");
  assert.strictEqual(context.subscriptions.length, 1);

  // Unrelated settings leave the server alone; server settings restart it.
  await configListener({ affectsConfiguration: (s) => s === "editor.fontSize" });
  assert.strictEqual(started.length, 1);
  settings["server.path"] = "cairn";
  settings["server.extraArgs"] = undefined;
  await configListener({ affectsConfiguration: (s) => s === "cairn.server" });
  assert.deepStrictEqual(stopped, [client]);
  assert.strictEqual(started.length, 2);
  assert.deepStrictEqual(started[1].serverOptions.run.args, ["lsp"]);
  assert.strictEqual(started[1].serverOptions.run.command, "cairn");

  await extension.deactivate();
  assert.deepStrictEqual(stopped, [client, started[1]]);

  // package.json contributes what the client relies on.
  const pkg = require("../package.json");
  assert.strictEqual(pkg.contributes.languages[0].id, "cairn");
  assert.deepStrictEqual(pkg.contributes.languages[0].extensions, [".cairn"]);
  assert.strictEqual(pkg.contributes.grammars[0].scopeName, "source.cairn");
  assert.ok(pkg.contributes.configuration.properties["cairn.server.path"]);
  console.log("extension client test: ok");
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
