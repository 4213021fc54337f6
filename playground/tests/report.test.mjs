// Rendering check of `cairn report` in the same headless chromium (issue
// 15, item 4): the HTML report of a golden case is not blank (a body of
// non-zero size, text, a picture of non-zero size), fits the width of an
// A4 page (794 px at 96 dpi: no sideways scrolling) and requests nothing
// but itself (it is self-contained).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, root, artifacts, cairn, screenshot } from './harness.mjs';

const out = path.join(artifacts, 'report');
let server;
let browser;
let origin;

before(async () => {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const guideline = path.join(root, 'guidelines', 'rps', 'initial-management.cairn');
  const golden = path.join(root, 'guidelines', 'rps', 'cases', 'resectable_ddlps_grade2_preoperative_rt.json');
  execFileSync(cairn, ['report', guideline, '--case', golden, '-o', path.join(out, 'report.html')]);
  server = await serve(out);
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('the report of a golden case renders, fits an A4 width and requests nothing', async () => {
  const page = await browser.newPage({ viewport: { width: 794, height: 1123 } });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${origin}/report.html`);
  const shape = await page.evaluate(() => ({
    width: document.body.getBoundingClientRect().width,
    height: document.body.getBoundingClientRect().height,
    text: document.body.innerText.trim().length,
    pictures: [...document.querySelectorAll('svg, img')].filter((e) => e.getBoundingClientRect().width > 0).length,
    scrollWidth: document.scrollingElement.scrollWidth,
    viewport: window.innerWidth,
  }));
  assert.ok(shape.width > 0 && shape.height > 0, 'empty body');
  assert.ok(shape.text > 200, `only ${shape.text} characters of text`);
  assert.ok(shape.pictures > 0, 'no picture of non-zero size');
  assert.ok(shape.scrollWidth <= shape.viewport, `${shape.scrollWidth} px wide in ${shape.viewport} px`);
  assert.deepEqual(requests, [`${origin}/report.html`]);
  await screenshot(page, 'report', { fullPage: true });
  await page.close();
});
