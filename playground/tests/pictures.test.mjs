// Rendering checks of the command line's pictures in the same headless
// chromium (issue 15, item 4): every per-section SVG of `cairn graph` for
// every shipped guideline, with a golden case so that the patient's path
// is drawn.
//
// Rules: a picture is not blank (it has a non-zero size, text, and
// non-white pixels once drawn into a canvas); a per-section SVG opened on
// its own in a 1280 x 900 viewport never overflows the viewport's width:
// a wider picture is scaled down to it (the SVG's `max-width: 100%`), so
// a reader scrolls down at most, never sideways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, root, artifacts, cairn, screenshot } from './harness.mjs';

const out = path.join(artifacts, 'pictures');
let server;
let browser;
let origin;

/** Every shipped guideline with its first golden case (sorted). */
function guidelines() {
  const dir = path.join(root, 'guidelines');
  return fs.readdirSync(dir).sort().flatMap((name) => {
    const folder = path.join(dir, name);
    const file = fs.readdirSync(folder).find((f) => f.endsWith('.cairn'));
    const cases = fs.readdirSync(path.join(folder, 'cases')).filter((f) => f.endsWith('.json')).sort();
    return file ? [{ name, guideline: path.join(folder, file), case: path.join(folder, 'cases', cases[0]) }] : [];
  });
}

before(async () => {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  for (const g of guidelines()) {
    // Into a folder that exists, so that a guideline drawn as one picture
    // is written as `ID.svg` too.
    fs.mkdirSync(path.join(out, g.name));
    execFileSync(cairn, ['graph', g.guideline, '--case', g.case, '--format', 'svg', '-o', path.join(out, g.name)]);
  }
  server = await serve(out);
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** Draws the image at `url` into a canvas: its size and how many of its
 * pixels are neither white nor transparent. */
function inked(page, url) {
  return page.evaluate(async (src) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    // The page is an SVG document: the canvas must be an HTML element.
    const canvas = document.createElementNS('http://www.w3.org/1999/xhtml', 'canvas');
    canvas.width = Math.min(img.naturalWidth, 4000);
    canvas.height = Math.min(img.naturalHeight, 4000);
    const cx = canvas.getContext('2d');
    cx.drawImage(img, 0, 0);
    const { data } = cx.getImageData(0, 0, canvas.width, canvas.height);
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0 && (data[i] < 230 || data[i + 1] < 230 || data[i + 2] < 230)) ink += 1;
    }
    return { width: img.naturalWidth, height: img.naturalHeight, ink };
  }, url);
}

test('every per-section SVG of every guideline renders with text and fits the viewport width', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  let count = 0;
  for (const g of guidelines()) {
    const files = fs.readdirSync(path.join(out, g.name)).filter((f) => f.endsWith('.svg')).sort();
    assert.ok(files.length > 0, `no SVG for ${g.name}`);
    for (const file of files) {
      const url = `${origin}/${g.name}/${file}`;
      await page.goto(url);
      const shape = await page.evaluate(() => {
        const svg = document.documentElement;
        const box = svg.getBoundingClientRect();
        return {
          tag: svg.tagName.toLowerCase(), width: box.width, height: box.height,
          texts: svg.querySelectorAll('text').length, text: svg.textContent.trim().length,
          scrollWidth: document.scrollingElement.scrollWidth, scrollHeight: document.scrollingElement.scrollHeight,
          innerWidth: window.innerWidth, innerHeight: window.innerHeight,
        };
      });
      const where = `${g.name}/${file}`;
      assert.equal(shape.tag, 'svg', where);
      assert.ok(shape.width > 0 && shape.height > 0, `${where}: empty box`);
      assert.ok(shape.texts > 0 && shape.text > 0, `${where}: no text`);
      const wide = shape.scrollWidth > shape.innerWidth;
      assert.ok(!wide, `${where}: ${shape.scrollWidth} x ${shape.scrollHeight} px overflows the width of ${shape.innerWidth} x ${shape.innerHeight}`);
      const drawn = await inked(page, url);
      assert.ok(drawn.ink > 100, `${where}: blank when drawn (${drawn.ink} pixels of ink)`);
      await screenshot(page, `svg-${g.name}-${path.basename(file, '.svg')}`);
      count += 1;
    }
  }
  assert.ok(count >= 3);
  await page.close();
});
