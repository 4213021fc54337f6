// Browser tests of the playground (issue 15, item 4): the page in headless
// chromium, its statuses against `cairn run`, a typo's diagnostic, an
// exported case run by `cairn test`, and no request leaving 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, site, root, artifacts, cairn, screenshot } from './harness.mjs';

const GUIDELINE = path.join(root, 'guidelines', 'rps', 'initial-management.cairn');
const CASES = path.join(root, 'guidelines', 'rps', 'cases');
// Three golden cases with different statuses: some undetermined, a
// pretreatment plan with a quantity, and a resectable one.
const GOLDEN = [
  'metastatic_wdlps_symptoms_unknown.json',
  'rt_plan_50_4gy_in_28_fractions_standard.json',
  'resectable_ddlps_grade2_preoperative_rt.json',
];

let server;
let browser;
let origin;
const requests = [];

before(async () => {
  server = await serve(site);
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** A fresh page on the playground, ready, with its requests recorded. */
async function open() {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
  context.on('request', (request) => requests.push(request.url()));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${origin}/`);
  await page.waitForSelector('body[data-state=ready]', { timeout: 60_000 });
  assert.deepEqual(errors, []);
  return page;
}

/** Sets every fact of `facts` by selecting and typing in the form. */
async function fill(page, facts) {
  await page.click('#reset');
  for (const [name, value] of Object.entries(facts)) {
    const control = page.locator(`#fact-${name}`);
    assert.equal(await control.count(), 1, `the form has no control for \`${name}\``);
    const tag = await control.evaluate((e) => e.tagName.toLowerCase());
    const part = await control.getAttribute('data-part');
    if (part === 'choice' && typeof value === 'string') {
      // A date: on the date, or never.
      if (value === 'never') {
        await control.selectOption('never');
      } else {
        await control.selectOption('date');
        await page.locator(`[data-fact="${name}"][data-part=date]`).fill(value);
      }
    } else if (tag === 'select') {
      await control.selectOption(value === null ? '' : String(value));
    } else if (typeof value === 'string') {
      // A quantity, written in the unit the form shows.
      const [number, unit] = value.trim().split(/\s+/);
      assert.equal(unit, await control.getAttribute('data-unit'), `\`${name}\` is not in the form's unit`);
      await control.fill(number);
    } else {
      await control.fill(value === null ? '' : String(value));
    }
  }
}

/** The statuses the page shows, by recommendation id. */
async function shown(page) {
  return page.$$eval('#statuses tr[data-rec]', (rows) => Object.fromEntries(rows.map((r) => [r.dataset.rec, r.dataset.status])));
}

/** `cairn run --format json`'s statuses, by recommendation id. */
function statusesOf(guideline, casePath) {
  const out = execFileSync(cairn, ['run', guideline, '--case', casePath, '--format', 'json'], { encoding: 'utf8' });
  return Object.fromEntries(JSON.parse(out).recommendations.map((r) => [r.id, r.status]));
}

/** The page's flowcharts are `cairn graph --case CASE --format svg`'s,
 * picture by picture, and each one is drawn. */
async function sameFlowcharts(page, casePath) {
  const dir = path.join(artifacts, 'graph', path.basename(casePath, '.json'));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  execFileSync(cairn, ['graph', GUIDELINE, '--case', casePath, '--format', 'svg', '-o', dir]);
  const ids = fs.readdirSync(dir).filter((f) => f.endsWith('.svg')).map((f) => path.basename(f, '.svg')).sort();
  const options = await page.$$eval('#picture option', (os) => os.map((o) => o.value));
  assert.deepEqual([...options].sort(), ids);
  for (const id of options) {
    await page.selectOption('#picture', id);
    await page.waitForFunction((want) => {
      const img = document.getElementById('flowchart-image');
      return img.dataset.picture === want && img.complete && img.naturalWidth > 0;
    }, id);
    const svg = await page.evaluate(async () => (await fetch(document.getElementById('flowchart-image').src)).text());
    assert.equal(svg, fs.readFileSync(path.join(dir, `${id}.svg`), 'utf8'), `${casePath}: picture ${id}`);
  }
}

test('the page loads and checks the sarcoma guideline with no diagnostics', async () => {
  const page = await open();
  assert.equal(await page.inputValue('#guideline'), 'rps/initial-management.cairn');
  assert.equal(await page.textContent('#verdict'), 'checked');
  assert.equal(await page.locator('#diagnostics li').count(), 1);
  assert.equal(await page.textContent('#diagnostics li.none'), 'no diagnostics');
  // The form is made from the declarations: groups, enum labels, units.
  const legends = await page.$$eval('#form legend', (ls) => ls.map((l) => l.textContent));
  assert.equal(legends[0], 'Diagnosis and clinical setting');
  const histology = await page.$$eval('#fact-histology option', (os) => os.map((o) => o.textContent));
  assert.equal(histology[0], 'unknown');
  assert.ok(histology.includes('Dedifferentiated liposarcoma'), histology.join(', '));
  assert.equal(await page.getAttribute('#fact-planned_rt_total_dose', 'data-unit'), 'Gy');
  // Every fact starts unknown, so nothing applies yet.
  const statuses = Object.values(await shown(page));
  assert.ok(statuses.length > 20);
  assert.ok(!statuses.includes('applies'), statuses.join(', '));
  await screenshot(page, 'loaded');
  await page.context().close();
});

test('every shipped guideline in the selector checks with no diagnostics', async () => {
  const page = await open();
  const paths = await page.$$eval('#guideline option', (os) => os.map((o) => o.value));
  const shipped = fs.readdirSync(path.join(root, 'guidelines'), { recursive: true })
    .filter((f) => f.endsWith('.cairn')).map((f) => f.split(path.sep).join('/')).sort();
  assert.deepEqual([...paths].sort(), shipped);
  for (const p of paths.filter((p) => p !== 'rps/initial-management.cairn')) {
    const checks = Number(await page.getAttribute('body', 'data-checks'));
    await page.selectOption('#guideline', p);
    await page.waitForFunction((n) => Number(document.body.dataset.checks) > n, checks);
    assert.equal(await page.textContent('#verdict'), 'checked', p);
    assert.equal(await page.textContent('#diagnostics li'), 'no diagnostics', p);
    assert.ok((await page.locator('#form [data-fact]').count()) > 5, p);
    await screenshot(page, `guideline-${p.split('/')[0]}`);
  }
  await page.context().close();
});

test('three golden cases filled in the form show the statuses of `cairn run`', async () => {
  const page = await open();
  const seen = new Set();
  for (const name of GOLDEN) {
    const file = path.join(CASES, name);
    const { facts } = JSON.parse(fs.readFileSync(file, 'utf8'));
    await fill(page, facts);
    const expected = statusesOf(GUIDELINE, file);
    assert.deepEqual(await shown(page), expected, name);
    seen.add(JSON.stringify(expected));
    await sameFlowcharts(page, file);
    await screenshot(page, `case-${path.basename(name, '.json')}`, { fullPage: true });
  }
  assert.equal(seen.size, GOLDEN.length, 'the three cases give the same statuses');
  await page.context().close();
});

test('a misspelt fact name in a `when` shows its diagnostic with a suggestion', async () => {
  const page = await open();
  const checks = Number(await page.getAttribute('body', 'data-checks'));
  await page.click('.cm-content');
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\nsuggest typo_check {\nwhen histolgy = leiomyosarcoma\nstatement "A typo."\n}\n');
  await page.waitForFunction((n) => Number(document.body.dataset.checks) > n, checks);
  const item = page.locator('#diagnostics li[data-code="cairn::check::unknown_name"]');
  await item.waitFor();
  const text = await item.textContent();
  assert.match(text, /initial-management\.cairn:\d+:\d+: error\[cairn::check::unknown_name\]: unknown name `histolgy`/);
  assert.match(text, /help: did you mean `histology`\?/);
  // The cursor was on the last line (after the file's final newline); a
  // blank line and the `suggest` line come before the `when`.
  const last = fs.readFileSync(GUIDELINE, 'utf8').split('\n').length;
  assert.equal(Number(await item.getAttribute('data-line')), last + 2);
  assert.equal(await page.textContent('#verdict'), '1 error');
  // The rendered form is `cairn check`'s, without colour.
  assert.match(await page.textContent('#rendered'), /× unknown name `histolgy`/);
  // The editor marks the word.
  await page.locator('.cm-lintRange-error').first().waitFor();
  await screenshot(page, 'typo');
  // Undone, the guideline checks again.
  for (let i = 0; i < 6 && (await page.textContent('#verdict')) !== 'checked'; i += 1) {
    await page.keyboard.press('Control+z');
    await page.waitForTimeout(400);
  }
  await page.waitForFunction(() => document.getElementById('verdict').textContent === 'checked');
  await page.context().close();
});

test('an exported case passes `cairn test`', async () => {
  const page = await open();
  const name = GOLDEN[0];
  const { facts } = JSON.parse(fs.readFileSync(path.join(CASES, name), 'utf8'));
  await fill(page, facts);
  await page.fill('#description', 'Exported from the playground.');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  assert.equal(download.suggestedFilename(), 'case.json');
  // The conventional layout: the guideline, and its cases/ folder beside it.
  const dir = path.join(artifacts, 'export');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'cases'), { recursive: true });
  fs.copyFileSync(GUIDELINE, path.join(dir, 'initial-management.cairn'));
  const exported = path.join(dir, 'cases', 'exported.json');
  await download.saveAs(exported);
  const golden = JSON.parse(fs.readFileSync(exported, 'utf8'));
  assert.equal(golden.description, 'Exported from the playground.');
  assert.equal(golden.guideline, '../initial-management.cairn');
  assert.deepEqual(golden.facts, facts);
  assert.deepEqual(golden.expect.recommendations, await shown(page));
  const run = spawnSync(cairn, ['test', exported], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout + run.stderr, /1 passed/);
  await page.context().close();
});

test('no request leaves 127.0.0.1', () => {
  assert.ok(requests.length > 0);
  const foreign = requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith(`blob:${origin}/`) && !url.startsWith('data:'));
  assert.deepEqual(foreign, []);
});
