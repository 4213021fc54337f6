// The playground page: the guideline editor with live diagnostics, the case
// form, and the results, all from the Cairn library compiled to WebAssembly
// (./pkg/cairn_wasm.js, made by playground/build.sh). Every answer comes
// from the library; this file only draws them. Nothing leaves the page: the
// only requests are for the page's own files.
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { cairnLanguage } from './cairn-lang.js';
import { drawForm, readFacts, setFacts } from './form.js';
import init, { Playground } from './pkg/cairn_wasm.js';

/** How long the editor waits after the last keystroke before checking. */
const CHECK_DELAY_MS = 300;
const DEFAULT_GUIDELINE = 'rps/initial-management.cairn';

const $ = (id) => document.getElementById(id);
let playground;
let editor;
let fileName = 'initial-management.cairn';
let checks = 0;
let runs = 0;
let timer;

/** Byte offsets (the library's) to UTF-16 offsets (the editor's). */
function byteToIndex(text, byte) {
  let bytes = 0;
  let i = 0;
  while (i < text.length && bytes < byte) {
    const code = text.codePointAt(i);
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    i += code >= 0x10000 ? 2 : 1;
  }
  return i;
}

function showDiagnostics(answer, text) {
  const list = $('diagnostics');
  list.replaceChildren();
  const marks = [];
  for (const d of answer.diagnostics) {
    const at = d.labels[0];
    const where = at ? `${d.file}:${at.line}:${at.column}` : d.file;
    const li = document.createElement('li');
    li.className = d.severity;
    li.dataset.code = d.code;
    li.dataset.line = at ? at.line : '';
    li.textContent = `${where}: ${d.severity}[${d.code}]: ${d.message}`;
    if (d.help) {
      const help = document.createElement('span');
      help.className = 'help';
      help.textContent = `help: ${d.help}`;
      li.append(help);
    }
    list.append(li);
    for (const label of d.labels) {
      if (d.file !== fileName) continue;
      const from = byteToIndex(text, label.start);
      const to = Math.max(from, byteToIndex(text, label.end));
      marks.push({
        from, to, severity: d.severity === 'warning' ? 'warning' : 'error',
        message: `[${d.code}] ${d.message}${label.message ? ` (${label.message})` : ''}${d.help ? `\nhelp: ${d.help}` : ''}`,
      });
    }
  }
  if (answer.diagnostics.length === 0) {
    const li = document.createElement('li');
    li.className = 'none';
    li.textContent = 'no diagnostics';
    list.append(li);
  }
  $('rendered').textContent = answer.rendered;
  editor.dispatch(setDiagnostics(editor.state, marks));
}

/** Checks the editor's text, redraws the diagnostics and the form, runs. */
function check() {
  const text = editor.state.doc.toString();
  const answer = JSON.parse(playground.check(fileName, text));
  showDiagnostics(answer, text);
  const verdict = $('verdict');
  const errors = answer.diagnostics.filter((d) => d.severity === 'error').length;
  verdict.textContent = answer.ok ? 'checked' : `${errors} error${errors === 1 ? '' : 's'}`;
  verdict.className = `verdict ${answer.ok ? 'ok' : 'failed'}`;
  if (answer.ok) {
    const form = $('form');
    const previous = form.dataset.facts ? readFacts(form) : null;
    drawForm(form, answer.form, previous);
    document.body.classList.remove('stale');
    run();
  } else {
    document.body.classList.add('stale');
  }
  document.body.dataset.checks = String(++checks);
}

/** `2026-12-03 11:00 UTC`, as the command line writes when a note is produced. */
function produced() {
  return `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function caseText() {
  return JSON.stringify({ facts: readFacts($('form')) }, null, 2);
}

/** Runs the form's case and draws the results. */
function run() {
  const answer = JSON.parse(playground.run(caseText(), produced(), $('trace-filter').value));
  const errors = $('case-errors');
  if (!answer.ok) {
    errors.hidden = false;
    errors.textContent = answer.rendered;
    document.body.classList.add('stale');
  } else {
    errors.hidden = true;
    document.body.classList.remove('stale');
    const body = $('statuses').tBodies[0];
    body.replaceChildren();
    for (const rec of answer.outcome.recommendations) {
      const tr = body.insertRow();
      tr.dataset.rec = rec.id;
      tr.dataset.status = rec.status;
      tr.title = rec.statement;
      tr.insertCell().textContent = rec.id;
      tr.insertCell().textContent = rec.kind;
      const status = document.createElement('span');
      status.className = `status ${rec.status}`;
      status.textContent = rec.status.replace('_', ' ');
      tr.insertCell().append(status);
    }
    showPictures(answer.pictures);
    $('ask-next').textContent = answer.ask_next.trim() || 'Nothing is undetermined.';
    $('note').textContent = answer.note;
    $('trace').textContent = answer.trace;
  }
  document.body.dataset.runs = String(++runs);
}

let pictures = [];
let pictureUrl;

/** Lists the flowcharts and shows the one selected (kept across runs).
 * Each is an image from a blob URL: the SVG runs no script in the page. */
function showPictures(list) {
  pictures = list;
  const select = $('picture');
  const chosen = select.value;
  select.replaceChildren(...list.map((p) => {
    const opt = document.createElement('option');
    opt.value = p.id;
    opt.textContent = p.title;
    return opt;
  }));
  if (list.some((p) => p.id === chosen)) select.value = chosen;
  showPicture();
}

function showPicture() {
  const picture = pictures.find((p) => p.id === $('picture').value);
  const img = $('flowchart-image');
  if (pictureUrl) URL.revokeObjectURL(pictureUrl);
  pictureUrl = undefined;
  if (!picture || picture.svg === null) {
    img.removeAttribute('src');
    img.alt = picture ? picture.title : 'no flowchart';
    return;
  }
  pictureUrl = URL.createObjectURL(new Blob([picture.svg], { type: 'image/svg+xml' }));
  img.dataset.picture = picture.id;
  img.src = pictureUrl;
}

/** Downloads the form's case as a golden case with the statuses shown. */
function exportCase() {
  const answer = JSON.parse(playground.export(caseText(), $('description').value, fileName));
  if (!answer.ok) {
    $('case-errors').hidden = false;
    $('case-errors').textContent = answer.rendered;
    return;
  }
  const url = URL.createObjectURL(new Blob([answer.text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'case.json';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

async function load(path) {
  const response = await fetch(`guidelines/${path}`);
  const text = await response.text();
  fileName = path.split('/').pop();
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text } });
  clearTimeout(timer);
  $('form').dataset.facts = '';
  check();
}

async function main() {
  await init();
  playground = new Playground();
  editor = new EditorView({
    parent: $('editor'),
    state: EditorState.create({
      doc: '',
      extensions: [
        lineNumbers(), history(), drawSelection(), highlightActiveLine(), lintGutter(),
        keymap.of([...defaultKeymap, ...historyKeymap]), cairnLanguage(),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          clearTimeout(timer);
          timer = setTimeout(check, CHECK_DELAY_MS);
        }),
      ],
    }),
  });
  const index = await (await fetch('guidelines/index.json')).json();
  const select = $('guideline');
  for (const g of index) {
    const opt = document.createElement('option');
    opt.value = g.path;
    opt.textContent = g.path;
    select.append(opt);
  }
  select.value = DEFAULT_GUIDELINE;
  select.addEventListener('change', () => load(select.value));
  $('form').addEventListener('change', run);
  $('form').addEventListener('input', (e) => { if (e.target.type === 'number') run(); });
  $('trace-filter').addEventListener('change', run);
  $('picture').addEventListener('change', showPicture);
  $('reset').addEventListener('click', () => { setFacts($('form'), {}); run(); });
  $('export').addEventListener('click', exportCase);
  await load(select.value);
  document.body.dataset.state = 'ready';
}

main().catch((e) => {
  document.body.dataset.state = 'failed';
  $('verdict').textContent = `failed to start: ${e}`;
  throw e;
});
