// Cairn syntax highlighting for CodeMirror 6: a stream tokenizer with the
// word lists of the TextMate grammar (editors/vscode/syntaxes), so the page
// colours the source as the editors do. It only colours: diagnostics come
// from the library (the wasm module), never from this file.
import { StreamLanguage, HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

const words = (list) => new Set(list.split(' '));
const control = words('when then otherwise first');
const operators = words('and or not in is known unknown any all none of count most exactly between implies contains empty include');
const declarations = words('guideline grading fact group define constraint table schedule section references');
const types = words('bool integer number quantity date enum list');
const kinds = words('recommend suggest option consider do-not-offer discourage refer inform');
const fields = words('strength kind about statement rationale alternative note detail cite see excludes acknowledge with dated code key column row');
const others = words('to after fractions from as every for until at least study alternating score points point molar mass where never absent means exhaustive title version status source authors reviewers last_reviewed');
const constants = words('true false');

const cairn = StreamLanguage.define({
  name: 'cairn',
  token(stream) {
    if (stream.eatSpace()) return null;
    if (stream.match('///')) { stream.skipToEnd(); return 'docComment'; }
    if (stream.match('//')) { stream.skipToEnd(); return 'lineComment'; }
    if (stream.peek() === '"') {
      stream.next();
      let escaped = false;
      for (let c = stream.next(); c !== undefined && c !== null; c = stream.next()) {
        if (c === '"' && !escaped) break;
        escaped = c === '\\' && !escaped;
      }
      return 'string';
    }
    if (stream.match(/^\d{4}-\d{2}-\d{2}/)) return 'number';
    if (stream.match(/^\d+(\.\d+)?/)) return 'number';
    if (stream.match(/^[A-Za-z_][\w-]*/)) {
      let word = stream.current();
      // A hyphen belongs to a word only in `do-not-offer`.
      if (word.includes('-') && word !== 'do-not-offer') {
        stream.backUp(word.length - word.indexOf('-'));
        word = stream.current();
      }
      if (control.has(word) || kinds.has(word)) return 'controlKeyword';
      if (operators.has(word)) return 'operatorKeyword';
      if (declarations.has(word)) return 'definitionKeyword';
      if (types.has(word)) return 'typeName';
      if (fields.has(word) || others.has(word)) return 'keyword';
      if (constants.has(word)) return 'bool';
      return 'variableName';
    }
    if (stream.match(/^(<=|>=|!=|->|[=<>≤≥≠+*/-])/)) return 'operator';
    stream.next();
    return 'punctuation';
  },
  languageData: { commentTokens: { line: '//' } },
});

const style = HighlightStyle.define([
  { tag: t.lineComment, color: '#6a737d', fontStyle: 'italic' },
  { tag: t.docComment, color: '#22863a', fontStyle: 'italic' },
  { tag: t.string, color: '#032f62' },
  { tag: t.number, color: '#005cc5' },
  { tag: t.bool, color: '#005cc5' },
  { tag: t.controlKeyword, color: '#d73a49', fontWeight: 'bold' },
  { tag: t.operatorKeyword, color: '#d73a49' },
  { tag: t.definitionKeyword, color: '#6f42c1', fontWeight: 'bold' },
  { tag: t.typeName, color: '#e36209' },
  { tag: t.keyword, color: '#6f42c1' },
  { tag: t.operator, color: '#d73a49' },
]);

/** The Cairn language with its highlighting, as one editor extension. */
export function cairnLanguage() {
  return [cairn, syntaxHighlighting(style)];
}
