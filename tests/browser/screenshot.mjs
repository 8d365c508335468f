// The README's picture of the page: a search on a running server, taken
// with the test's headless Chromium.
//
//   ./dealsearch serve --listen 127.0.0.1:8080 &
//   node tests/browser/screenshot.mjs http://127.0.0.1:8080 "interim CEO" docs/serve.png
import {chromium} from 'playwright-core';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const [url, query, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node screenshot.mjs URL QUERY OUT.png');
  process.exit(2);
}
const profile = mkdtempSync(join(tmpdir(), 'dealsearch-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
         '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
  viewport: {width: 900, height: 760},
});
try {
  const page = context.pages()[0] || await context.newPage();
  await page.goto(`${url}/?q=${encodeURIComponent(query)}`);
  await page.locator('#results > li').first().waitFor();
  await page.locator('#about').filter({hasText: 'passages'}).waitFor();
  await page.screenshot({path: out});
} finally {
  await context.close();
  rmSync(profile, {recursive: true, force: true});
}
