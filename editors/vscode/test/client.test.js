// Runs the extension with the real `vscode-languageclient/node` against the
// real `cairn lsp` (CAIRN_BIN), under node with a minimal `vscode` module
// (test/vscode-shim.js). The client spawns the server from the settings
// (with `--verbose` in `cairn.server.extraArgs`), sends its own initialize
// capabilities, opens the document it finds open, and the test then goes
// through the providers the client registered, as VS Code would: the
// published diagnostics, a quick fix, prepare rename, rename and its
// refusal, the code lens and its command, and finally stop (shutdown, exit).
"use strict";

const assert = require("assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const Module = require("module");
const vscode = require("./vscode-shim");

const cairn = process.env.CAIRN_BIN;
assert.ok(cairn, "CAIRN_BIN names the cairn binary");

const originalLoad = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === "vscode") return vscode;
  return originalLoad.call(this, request, parent, isMain);
};

const settings = { "server.path": cairn, "server.extraArgs": ["--verbose"] };
vscode.workspace.getConfiguration = () => ({ get: (key, fallback) => settings[key] ?? fallback });

const text = `guideline g {
  title "G"
  version "1"
  status draft
}

fact grade "Grade": integer 1 to 3

suggest r {
  when grde ≥ 2
  statement "Grade {grade}."
}
`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-vscode-"));
const file = path.join(dir, "g.cairn");
fs.writeFileSync(file, text);
fs.mkdirSync(path.join(dir, "cases"));
const golden = { facts: { grade: 3 }, expect: { recommendations: { r: "applies" } } };
fs.writeFileSync(path.join(dir, "cases", "high.json"), JSON.stringify(golden));

const document = {
  uri: vscode.Uri.file(file),
  fileName: file,
  languageId: "cairn",
  version: 1,
  isClosed: false,
  isDirty: false,
  isUntitled: false,
  getText: () => text,
};
vscode.workspace.textDocuments.push(document);

const token = new vscode.CancellationTokenSource().token;

async function waitFor(what, get) {
  for (let i = 0; i < 300; i++) {
    const value = get();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

(async () => {
  const extension = require("../extension.js");
  await extension.activate({ subscriptions: [] });
  const uri = document.uri.toString();

  // The client sent didOpen for the open document; diagnostics come back
  // converted to editor diagnostics.
  const diagnostics = await waitFor("diagnostics", () => vscode.recorded.diagnostics.get(uri));
  const unknown = diagnostics.find((d) => d.code === "cairn::check::unknown_name");
  assert.ok(unknown, JSON.stringify(diagnostics));
  assert.strictEqual(unknown.severity, vscode.DiagnosticSeverity.Error);
  assert.match(unknown.message, /did you mean `grade`\?/);
  assert.deepStrictEqual([unknown.range.start.line, unknown.range.start.character], [9, 7]);

  // The quick fix, through the client's code action provider.
  const actions = await vscode.recorded.providers.codeAction.provideCodeActions(
    document,
    unknown.range,
    { diagnostics: [unknown], triggerKind: 1, only: undefined },
    token,
  );
  const fix = actions.find((a) => a.title === "Replace with `grade`");
  assert.ok(fix, JSON.stringify(actions));
  assert.strictEqual(fix.kind.value, "quickfix");
  const [[editedUri, edits]] = fix.edit.entries();
  assert.strictEqual(editedUri.toString(), uri);
  assert.strictEqual(edits[0].newText, "grade");
  assert.deepStrictEqual([edits[0].range.start.character, edits[0].range.end.character], [7, 11]);

  // Rename from the declaration: the declaration and the placeholder.
  const rename = vscode.recorded.providers.rename;
  const at = new vscode.Position(6, 6);
  const prepared = await rename.prepareRename(document, at, token);
  assert.strictEqual(prepared.placeholder, "grade");
  const renamed = await rename.provideRenameEdits(document, at, "tumour_grade", token);
  const [[, renames]] = renamed.entries();
  assert.deepStrictEqual(
    renames.map((e) => [e.range.start.line, e.range.start.character, e.newText]).sort((a, b) => a[0] - b[0]),
    [
      [6, 5, "tumour_grade"],
      [10, 20, "tumour_grade"],
    ],
  );
  await assert.rejects(rename.provideRenameEdits(document, at, "2x", token), /is not a name/);

  // The code lens runs the golden case through the command the client
  // registered for the server's `cairn.runTests`.
  const lenses = await vscode.recorded.providers.codeLens.provideCodeLenses(document, token);
  assert.strictEqual(lenses.length, 1);
  assert.strictEqual(lenses[0].command.title, "Run 1 golden case");
  const command = vscode.recorded.commands[lenses[0].command.command];
  assert.ok(command, Object.keys(vscode.recorded.commands).join(", "));
  const summary = await command(...lenses[0].command.arguments);
  assert.deepStrictEqual([summary.passed, summary.failed], [0, 1], "`grde` does not check");
  await waitFor("the summary message", () => vscode.recorded.messages.length > 0);
  assert.deepStrictEqual(vscode.recorded.messages[0], ["error", "1 golden case(s): 0 passed, 1 failed"]);

  await extension.deactivate();
  fs.rmSync(dir, { recursive: true });
  console.log("ok");
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
