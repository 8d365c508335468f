// The page of `dealsearch serve` in headless Chromium (Debian's), driven
// by playwright-core: searching as you type, highlights at the right
// characters, paging, the date filter, keyboard navigation, passages in
// their article, near-copies, spelling (corrections and suggestions),
// notices, bylines, the empty, loading and error states, a phone-width
// screen, accessible names and contrast, HTML in the index staying text,
// and no request leaving the server.  Prints TAP.  tests/browser/run.sh starts the servers and sets:
//   BASE_URL     a server on the test corpus
//   NOINDEX_URL  a server without an index
//   SHOTS        where screenshots go
import {chromium} from 'playwright-core';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const {BASE_URL, NOINDEX_URL, SHOTS} = process.env;
const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium reaches out to Google
// services, which this closed network refuses.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
               '--no-first-run', '--disable-background-networking',
               '--disable-component-update', '--disable-sync'];
const TIMEOUT = 10000;

let n = 0;
let failed = 0;
async function check(name, fn) {
  n++;
  try {
    await fn();
    console.log(`ok ${n} - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok ${n} - ${name}`);
    for (const line of String(e && e.stack || e).split('\n').slice(0, 6))
      console.log(`#   ${line}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}
function equal(got, want, what) {
  assert(JSON.stringify(got) === JSON.stringify(want),
         `${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

async function api(path) {
  const res = await fetch(`${BASE_URL}${path}`);
  return res.json();
}

// WCAG contrast of two rgb() colours.
function luminance(rgb) {
  const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

const profile = mkdtempSync(join(tmpdir(), 'dealsearch-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM, headless: true, args: FLAGS,
  viewport: {width: 1280, height: 900},
});
context.setDefaultTimeout(TIMEOUT);
const elsewhere = [];
context.on('request', (req) => {
  if (!req.url().startsWith(BASE_URL) && !req.url().startsWith(NOINDEX_URL))
    elsewhere.push(req.url());
});
const page = context.pages()[0] || await context.newPage();
const consoleErrors = [];
const dialogs = [];
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
page.on('pageerror', (e) => consoleErrors.push(String(e)));
page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });

const results = page.locator('#results > li');
const status = page.locator('#status');

async function typeQuery(text) {
  await page.locator('#q').fill('');
  await page.locator('#q').pressSequentially(text, {delay: 15});
}

// The next search answer to q=`q` (and `more` parameters), rendered.
async function answerTo(q, more = {}) {
  const res = await page.waitForResponse((r) => {
    if (!r.url().includes('/api/search?')) return false;
    const p = new URL(r.url()).searchParams;
    return p.get('q') === q &&
           Object.entries(more).every(([k, v]) => p.get(k) === v);
  });
  await page.waitForFunction(() =>
    document.getElementById('results').getAttribute('aria-busy') === 'false');
  return res;
}

// Close the reader with Escape and wait until it is shut, so that the
// next keys go to the page rather than the closing dialog.
async function closeReader() {
  await page.keyboard.press('Escape');
  await page.locator('#reader').waitFor({state: 'hidden'});
}

// Type `text` and wait until its answer is shown.
async function search(text) {
  const answered = answerTo(text);
  await typeQuery(text);
  await answered;
}

try {
  await check('the page loads with its labelled search box and landmarks', async () => {
    await page.goto(BASE_URL);
    await page.getByLabel('Search the articles').waitFor();
    equal(await page.locator('header').count() >= 1, true, 'a header');
    equal(await page.locator('main').count(), 1, 'one main');
    equal(await page.getByRole('search').count(), 1, 'a search landmark');
    await page.locator('#about').filter({hasText: 'passages from 18 files'}).waitFor();
    equal(await page.title(), 'dealsearch', 'title');
  });

  await check('typing searches (debounced) and shows highlighted results with title, date and source', async () => {
    let searches = 0;
    const count = (req) => { if (req.url().includes('/api/search')) searches++; };
    page.on('request', count);
    await search('harbor');
    await page.waitForTimeout(300);
    page.off('request', count);
    assert(searches <= 2, `${searches} searches for 6 keystrokes`);
    equal(await results.count(), 10, 'results on the first page');
    const first = results.first();
    assert((await first.locator('.open').textContent()).length > 0, 'a title');
    assert(/\d{4}-\d{2}-\d{2}/.test(await first.locator('time').textContent()), 'a date');
    assert(/\.txt ¶\d+/.test(await first.locator('.meta').textContent()), 'source and passage');
    const marks = await page.locator('#results mark').allTextContents();
    assert(marks.length >= 10, 'marks');
    for (const m of marks) equal(m.toLowerCase(), 'harbor', 'a marked word');
    await page.screenshot({path: `${SHOTS}/results.png`, fullPage: true});
  });

  await check('highlights are placed by UTF-8 byte offsets (accents before a match)', async () => {
    await search('Ångström harbor');
    const marks = await page.locator('#results mark').allTextContents();
    equal(marks, ['harbor', 'Ångström', 'harbor'], 'marked words');
  });

  await check('paging: next and previous pages, with the range shown', async () => {
    await search('harbor');
    const first = await api('/api/search?q=harbor&limit=10');
    const all = await api('/api/search?q=harbor&limit=10&offset=10');
    const of = (a) => `of ${a.total_exact ? '' : 'about '}${a.total}`;
    assert(first.total >= 30, `${first.total} matches`);
    equal(await page.locator('#range').textContent(), `1–10 ${of(first)}`, 'the range');
    const next = answerTo('harbor', {offset: '10'});
    await page.locator('#next').click();
    await next;
    equal(await page.locator('#range').textContent(), `11–20 ${of(all)}`, 'the range');
    equal(await results.locator('.meta').allTextContents(),
          all.results.map((h) => (h.date ? `${h.date} · ` : '') + `${h.source} ¶${h.passage}`),
          'page 2 is the API\'s offset 10');
    assert(new URL(page.url()).searchParams.get('offset') === '10', 'the address keeps the page');
    await page.locator('#prev').click();
    await page.locator('#range').filter({hasText: /^1–10 of /}).waitFor();
    equal(await page.locator('#prev').isDisabled(), true, 'no page before the first');
  });

  await check('the date filter narrows the results to its range', async () => {
    const q = 'harbor date:2025-03-01..2025-03-31';
    const filtered = answerTo(q);
    await page.locator('#from').fill('2025-03-01');
    await page.locator('#to').fill('2025-03-31');
    await page.locator('#to').dispatchEvent('change');
    await filtered;
    const want = await api('/api/search?q=' + encodeURIComponent(q));
    assert(want.total >= 4 && want.total < 30, `${want.total} in March`);
    const dates = await results.locator('time').evaluateAll((ts) => ts.map((t) => t.dateTime));
    equal(dates.length, want.results.length, 'results');
    assert(dates.every((d) => d.startsWith('2025-03')), `dates ${dates}`);
    await page.screenshot({path: `${SHOTS}/date-filter.png`, fullPage: true});
    const unfiltered = answerTo('harbor');
    await page.locator('#from').fill('');
    await page.locator('#to').fill('');
    await page.locator('#to').dispatchEvent('change');
    await unfiltered;
  });

  await check('keyboard: / focuses the box, arrows move, Enter opens the passage in its article, Escape closes', async () => {
    await page.locator('#about').click();  // focus outside the box
    await page.keyboard.press('/');
    equal(await page.evaluate(() => document.activeElement.id), 'q', 'focus after /');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const second = await page.evaluate(() => document.activeElement.textContent);
    equal(second, await results.nth(1).locator('.open').textContent(), 'focus on the second result');
    const meta = await results.nth(1).locator('.meta').textContent();
    const [, source, passage] = meta.match(/(\S+\.txt) ¶(\d+)/);
    await page.keyboard.press('Enter');
    const dialog = page.locator('#reader');
    await dialog.locator('.passage.target').waitFor();
    const target = dialog.locator('.passage.target');
    equal(await target.getAttribute('aria-current'), 'true', 'the passage is marked current');
    equal(await target.locator('.num').textContent(), `¶${passage}`, 'the passage opened');
    assert(await target.locator('mark').count() > 0, 'its match is highlighted');
    assert(await dialog.locator('.passage').count() >= 2, 'with context');
    assert((await page.locator('#reader-meta').textContent()).includes(source), 'its source');
    await page.screenshot({path: `${SHOTS}/passage.png`});
    await closeReader();
    equal(await page.evaluate(() => document.activeElement.textContent), second, 'focus returns to the result');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    equal(await page.evaluate(() => document.activeElement.id), 'q', 'ArrowUp from the first result goes back to the box');
  });

  await check('a paragraph two sources share shows once, its other source in an expandable group', async () => {
    await search('pier ferries');
    equal(await results.count(), 1, 'results');
    const also = results.first().locator('details.also');
    equal(await also.locator('summary').textContent(), 'Also reported in 1 other source', 'summary');
    equal(await also.getAttribute('open'), null, 'closed at first');
    await also.locator('summary').click();
    const other = also.locator('li button');
    await other.waitFor();
    const label = await other.textContent();
    assert((await also.locator('li q.also-sentence').textContent()).includes('ferr'), 'its sentence');
    await other.click();
    await page.locator('#reader .passage.target').waitFor();
    assert((await page.locator('#reader-meta').textContent()).includes(label.split(' ')[0]), 'the other source opens');
    await closeReader();
  });

  await check('a misspelled query is corrected, with links to the correction and the original', async () => {
    await search('harbr');
    const spelling = page.locator('#spelling');
    await spelling.filter({hasText: 'Showing results for harbor'}).waitFor();
    assert(await results.count() > 0, 'results for the correction');
    await page.screenshot({path: `${SHOTS}/spelling.png`});
    const exact = answerTo('harbr', {exact: '1'});
    await spelling.getByRole('button', {name: 'harbr'}).click();
    await exact;
    await status.filter({hasText: 'No passages match “harbr”.'}).waitFor();
    equal(await results.count(), 0, 'no results for the original, exactly');
  });

  await check('a spelling the server offers is a link that searches the query with it', async () => {
    await search('Harbr master');
    const want = await api('/api/search?q=' + encodeURIComponent('Harbr master'));
    equal(want.suggestions.map((s) => [s.word, s.suggestion]), [['Harbr', 'Harbor']], 'the API\'s suggestions');
    const spelling = page.locator('#spelling');
    await spelling.filter({hasText: `Did you mean Harbor (${want.suggestions[0].passages} passages)?`}).waitFor();
    await page.screenshot({path: `${SHOTS}/suggestion.png`});
    const corrected = answerTo('Harbor master');
    await spelling.getByRole('button', {name: 'Harbor', exact: true}).click();
    await corrected;
    equal(await page.locator('#q').inputValue(), 'Harbor master', 'the query with the suggestion');
    assert(await results.count() > 0, 'results for it');
  });

  await check('what could not be searched as written is said (the API\'s notices)', async () => {
    await search('*arbor');
    const want = await api('/api/search?q=' + encodeURIComponent('*arbor'));
    assert(want.notices.length === 1, `notices ${JSON.stringify(want.notices)}`);
    const notices = page.locator('#notices li');
    await notices.first().waitFor();
    equal(await notices.allTextContents(), want.notices, 'the notices shown');
    await search('harbor');
    equal(await page.locator('#notices').isHidden(), true, 'gone for a query read as written');
  });

  await check('a byline is shown with the result and in the reader', async () => {
    await search('pier author:lindqvist');
    const meta = results.first().locator('.meta');
    equal(await meta.locator('.author').textContent(), 'Marta Lindqvist', 'the byline');
    await results.first().locator('.open').click();
    await page.locator('#reader .passage.target').waitFor();
    equal(await page.locator('#reader-meta .author').textContent(), 'Marta Lindqvist', 'in the reader');
    await closeReader();
  });

  await check('the empty state says nothing matched', async () => {
    await search('qwxyzzyq');
    await status.filter({hasText: 'No passages match “qwxyzzyq”.'}).waitFor();
    equal(await results.count(), 0, 'results');
    equal(await page.locator('#pager').isHidden(), true, 'no pager');
  });

  await check('the loading state shows while a search is slow', async () => {
    await page.route('**/api/search?*', async (route) => {
      await new Promise((r) => setTimeout(r, 800));
      await route.continue();
    });
    const answered = answerTo('ferries');
    await typeQuery('ferries');
    await status.filter({hasText: 'Searching…'}).waitFor();
    equal(await page.locator('#results').getAttribute('aria-busy'), 'true', 'results are busy');
    await answered;
    await status.filter({hasText: /passage/}).waitFor();
    await page.unroute('**/api/search?*');
  });

  await check('HTML in titles and passages stays text: no script runs, no element is made', async () => {
    await search('zebrafish');
    const title = await results.first().locator('.open').textContent();
    equal(title, '<script>document.title="pwned"</script> "><img src=x onerror="window.__xss=1"> zebrafish', 'title as text');
    const snippets = (await results.locator('.snippet').allTextContents()).join(' ');
    assert(snippets.includes('<script>window.__xss=2</script>'), 'script tag shown as text');
    assert(snippets.includes('<a href="javascript:window.__xss=4">'), 'link shown as text');
    equal(await page.locator('#results img, #results script, #results a[href^="javascript"], #results b').count(), 0, 'elements made from the text');
    await results.first().locator('.open').click();
    await page.locator('#reader .passage.target').waitFor();
    equal(await page.locator('#reader img, #reader script, #reader b').count(), 0, 'elements in the reader');
    equal(await page.locator('#reader-title').textContent(), title, 'the reader\'s title as text');
    await page.screenshot({path: `${SHOTS}/hostile.png`});
    await closeReader();
    equal(await page.evaluate(() => window.__xss), undefined, 'window.__xss');
    equal(await page.title(), 'dealsearch', 'document.title');
    equal(dialogs, [], 'alerts');
  });

  await check('the server\'s policy forbids inline script, even if some were injected', async () => {
    const ran = await page.evaluate(() => new Promise((resolve) => {
      window.__inline = false;
      const s = document.createElement('script');
      s.textContent = 'window.__inline = true';
      document.body.append(s);
      setTimeout(() => resolve(window.__inline), 100);
    }));
    equal(ran, false, 'an injected inline script ran');
    consoleErrors.splice(0);  // the refusal is logged as an error
  });

  await check('text, links and highlights keep a contrast of 4.5:1 or more', async () => {
    await search('harbor');
    const pairs = await page.evaluate(() => {
      const bg = (el) => {
        for (let e = el; e; e = e.parentElement) {
          const c = getComputedStyle(e).backgroundColor;
          if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
        }
        return 'rgb(255, 255, 255)';
      };
      return ['.snippet', '.meta', '.open', 'mark', '#status', '.keys', '#about', '#range']
        .map((sel) => document.querySelector(sel))
        .filter(Boolean)
        .map((el) => [el.className || el.id || el.tagName, getComputedStyle(el).color, bg(el)]);
    });
    for (const [what, fg, bgc] of pairs)
      assert(contrast(fg, bgc) >= 4.5, `${what}: ${fg} on ${bgc} is ${contrast(fg, bgc).toFixed(2)}:1`);
    const unnamed = await page.locator('button').evaluateAll((bs) =>
      bs.filter((b) => !(b.getAttribute('aria-label') || b.textContent.trim())).length);
    equal(unnamed, 0, 'buttons without a name');
    const unlabelled = await page.locator('input, select').evaluateAll((fs) =>
      fs.filter((f) => !f.labels || !f.labels.length).length);
    equal(unlabelled, 0, 'fields without a label');
  });

  await check('on a phone-width screen the page fits and works', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({width: 375, height: 740});
    await phone.goto(`${BASE_URL}/?q=harbor`);
    await phone.locator('#results > li').first().waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 0, `${overflow}px wider than the screen`);
    const box = await phone.locator('#q').boundingBox();
    assert(box.width > 200, `the search box is ${box.width}px wide`);
    await phone.screenshot({path: `${SHOTS}/phone.png`, fullPage: true});
    await phone.locator('#results .open').first().click();
    await phone.locator('#reader .passage.target').waitFor();
    const dialogBox = await phone.locator('#reader').boundingBox();
    assert(dialogBox.width <= 375, `the reader is ${dialogBox.width}px wide`);
    await phone.screenshot({path: `${SHOTS}/phone-passage.png`});
    await phone.close();
  });

  await check('without an index the page says so, and a search shows the error', async () => {
    const p = await context.newPage();
    await p.goto(NOINDEX_URL);
    await p.locator('#error').filter({hasText: 'The index cannot be searched: no index'}).waitFor();
    await p.locator('#q').pressSequentially('harbor', {delay: 10});
    await p.locator('#error').filter({hasText: 'Search failed: no index'}).waitFor();
    equal(await p.locator('#results > li').count(), 0, 'results');
    equal(await p.locator('#error').getAttribute('role'), 'alert', 'announced');
    await p.screenshot({path: `${SHOTS}/no-index.png`});
    await p.close();
  });

  await check('nothing was fetched from anywhere but the server, and the console stayed clean', async () => {
    equal(elsewhere, [], 'requests elsewhere');
    equal(consoleErrors, [], 'console errors');
  });
} finally {
  await context.close();
  rmSync(profile, {recursive: true, force: true});
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
