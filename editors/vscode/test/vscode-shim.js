// A minimal `vscode` module for running the real `vscode-languageclient`
// under node: the editor types the client converts protocol values into,
// the events and registries it subscribes to, and a record of what it
// registers and publishes. Anything else the client touches is a no-op.
"use strict";

const path = require("path");

class Disposable {
  constructor(fn) {
    this.fn = fn;
  }
  static from(...items) {
    return new Disposable(() => items.forEach((i) => i && i.dispose && i.dispose()));
  }
  dispose() {
    if (this.fn) this.fn();
    this.fn = undefined;
  }
}

class EventEmitter {
  constructor() {
    this.listeners = [];
    this.event = (listener, thisArg) => {
      const entry = { listener, thisArg };
      this.listeners.push(entry);
      return new Disposable(() => {
        this.listeners = this.listeners.filter((e) => e !== entry);
      });
    };
  }
  fire(value) {
    for (const { listener, thisArg } of [...this.listeners]) listener.call(thisArg, value);
  }
  dispose() {
    this.listeners = [];
  }
}

class Uri {
  constructor(scheme, fsPath) {
    this.scheme = scheme;
    this.fsPath = fsPath;
    this.path = fsPath;
  }
  static file(p) {
    return new Uri("file", path.resolve(p));
  }
  static parse(s) {
    const m = /^([a-z]+):\/\/(.*)$/.exec(s);
    return m ? new Uri(m[1], decodeURIComponent(m[2])) : new Uri("file", s);
  }
  toString() {
    return `${this.scheme}://${this.fsPath.split("/").map(encodeURIComponent).join("/")}`;
  }
  toJSON() {
    return this.toString();
  }
}

class Position {
  constructor(line, character) {
    Object.assign(this, { line, character });
  }
}

class Range {
  constructor(a, b, c, d) {
    if (typeof a === "number") [a, b] = [new Position(a, b), new Position(c, d)];
    this.start = a;
    this.end = b;
  }
}

class Location {
  constructor(uri, range) {
    Object.assign(this, { uri, range });
  }
}

class Diagnostic {
  constructor(range, message, severity) {
    Object.assign(this, { range, message, severity });
  }
}

class DiagnosticRelatedInformation {
  constructor(location, message) {
    Object.assign(this, { location, message });
  }
}

class CodeActionKind {
  constructor(value) {
    this.value = value;
  }
  append(part) {
    return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
  }
  contains(other) {
    return other.value === this.value || other.value.startsWith(`${this.value}.`);
  }
}
for (const [name, value] of Object.entries({
  Empty: "",
  QuickFix: "quickfix",
  Refactor: "refactor",
  RefactorExtract: "refactor.extract",
  RefactorInline: "refactor.inline",
  RefactorRewrite: "refactor.rewrite",
  Source: "source",
  SourceOrganizeImports: "source.organizeImports",
  SourceFixAll: "source.fixAll",
})) {
  CodeActionKind[name] = new CodeActionKind(value);
}

class CodeAction {
  constructor(title, kind) {
    Object.assign(this, { title, kind });
  }
}

class TextEdit {
  constructor(range, newText) {
    Object.assign(this, { range, newText });
  }
}

class WorkspaceEdit {
  constructor() {
    this.edits = new Map();
  }
  set(uri, edits) {
    this.edits.set(uri.toString(), edits);
  }
  replace(uri, range, newText) {
    const key = uri.toString();
    this.edits.set(key, [...(this.edits.get(key) || []), new TextEdit(range, newText)]);
  }
  entries() {
    return [...this.edits.entries()].map(([uri, edits]) => [Uri.parse(uri), edits]);
  }
}

class CodeLens {
  constructor(range, command) {
    Object.assign(this, { range, command });
  }
}

class CancellationTokenSource {
  constructor() {
    const emitter = new EventEmitter();
    this.token = { isCancellationRequested: false, onCancellationRequested: emitter.event };
  }
  cancel() {
    this.token.isCancellationRequested = true;
  }
  dispose() {}
}

class CancellationError extends Error {}

// What the client registers and publishes, for the test to inspect.
const recorded = { providers: {}, commands: {}, diagnostics: new Map(), messages: [] };

const events = {
  open: new EventEmitter(),
  close: new EventEmitter(),
  change: new EventEmitter(),
  configuration: new EventEmitter(),
};

function provider(kind) {
  return (selector, p) => {
    recorded.providers[kind] = p;
    return new Disposable();
  };
}

/** Anything not modelled: callable, and every property is another one. */
function anything() {
  return new Proxy(function () {}, {
    get: (_, key) => (key === "then" ? undefined : key === "dispose" ? () => {} : anything()),
    apply: () => anything(),
    construct: () => anything(),
  });
}

const languages = {
  match(selector, document) {
    const filters = Array.isArray(selector) ? selector : [selector];
    const hit = filters.some(
      (f) =>
        (typeof f === "string" ? f : f.language) === document.languageId &&
        (typeof f === "string" || !f.scheme || f.scheme === document.uri.scheme),
    );
    return hit ? 10 : 0;
  },
  createDiagnosticCollection: () => ({
    set: (uri, diagnostics) => recorded.diagnostics.set(uri.toString(), diagnostics),
    delete: (uri) => recorded.diagnostics.delete(uri.toString()),
    clear: () => recorded.diagnostics.clear(),
    forEach: () => {},
    dispose: () => {},
  }),
  registerCodeActionsProvider: provider("codeAction"),
  registerRenameProvider: provider("rename"),
  registerCodeLensProvider: provider("codeLens"),
  registerHoverProvider: provider("hover"),
  registerDefinitionProvider: provider("definition"),
  registerReferenceProvider: provider("references"),
  registerCompletionItemProvider: provider("completion"),
  registerDocumentSymbolProvider: provider("documentSymbol"),
  registerDocumentFormattingEditProvider: provider("formatting"),
};

const vscode = {
  version: "1.82.0",
  env: { language: "en", appName: "node shim", machineId: "shim", openExternal: () => {} },
  Disposable,
  EventEmitter,
  Uri,
  Position,
  Range,
  Location,
  Diagnostic,
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  DiagnosticRelatedInformation,
  DiagnosticTag: { Unnecessary: 1, Deprecated: 2 },
  CodeAction,
  CodeActionKind,
  CodeActionTriggerKind: { Invoke: 1, Automatic: 2 },
  TextEdit,
  WorkspaceEdit,
  CodeLens,
  CancellationTokenSource,
  CancellationError,
  MarkdownString: class {
    constructor(value) {
      this.value = value;
    }
  },
  Hover: class {
    constructor(contents, range) {
      Object.assign(this, { contents, range });
    }
  },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  workspace: {
    textDocuments: [],
    workspaceFolders: undefined,
    getConfiguration: () => ({ get: (key, fallback) => fallback }),
    onDidOpenTextDocument: events.open.event,
    onDidCloseTextDocument: events.close.event,
    onDidChangeTextDocument: events.change.event,
    onDidSaveTextDocument: new EventEmitter().event,
    onWillSaveTextDocument: new EventEmitter().event,
    onDidChangeConfiguration: events.configuration.event,
    onDidChangeWorkspaceFolders: new EventEmitter().event,
    createFileSystemWatcher: () => ({
      onDidCreate: new EventEmitter().event,
      onDidChange: new EventEmitter().event,
      onDidDelete: new EventEmitter().event,
      dispose: () => {},
    }),
    applyEdit: () => Promise.resolve(true),
  },
  window: {
    activeTextEditor: undefined,
    visibleTextEditors: [],
    tabGroups: { all: [], onDidChangeTabs: new EventEmitter().event },
    onDidChangeActiveTextEditor: new EventEmitter().event,
    onDidChangeVisibleTextEditors: new EventEmitter().event,
    createOutputChannel: () => ({
      append: () => {},
      appendLine: () => {},
      show: () => {},
      clear: () => {},
      replace: () => {},
      dispose: () => {},
    }),
    showInformationMessage: (m) => (recorded.messages.push(["info", m]), Promise.resolve()),
    showWarningMessage: (m) => (recorded.messages.push(["warning", m]), Promise.resolve()),
    showErrorMessage: (m) => (recorded.messages.push(["error", m]), Promise.resolve()),
    withProgress: (_, task) => task({ report: () => {} }, new CancellationTokenSource().token),
  },
  commands: {
    registerCommand: (name, fn) => {
      recorded.commands[name] = fn;
      return new Disposable();
    },
    executeCommand: (name, ...args) => Promise.resolve(recorded.commands[name](...args)),
  },
  languages,
};

module.exports = new Proxy(vscode, {
  get: (target, key) => (key in target ? target[key] : anything()),
});
module.exports.recorded = recorded;
module.exports.events = events;
