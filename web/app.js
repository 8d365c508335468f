// dealsearch's page: results as you type from /api/search, passages in
// their article from /api/passage.  Every string from the server reaches
// the page as text (textContent, text nodes), never as HTML.
'use strict';

(() => {
  const LIMIT = 10;
  const DEBOUNCE_MS = 200;
  const LOADING_AFTER_MS = 150;  // a fast answer shows no flash of "Searching…"
  const CONTEXT = 2;             // passages shown each side in the reader

  const $ = (id) => document.getElementById(id);
  const ui = {
    form: $('search'), q: $('q'), from: $('from'), to: $('to'),
    sort: $('sort'), status: $('status'), error: $('error'),
    spelling: $('spelling'), notices: $('notices'), results: $('results'), pager: $('pager'),
    prev: $('prev'), next: $('next'), range: $('range'), about: $('about'),
    reader: $('reader'), readerTitle: $('reader-title'),
    readerMeta: $('reader-meta'), readerBody: $('reader-body'),
    readerClose: $('reader-close'),
  };

  // What is searched; kept in the address so a search can be linked.
  const state = {q: '', from: '', to: '', sort: 'relevance', offset: 0,
                 exact: false, any: false};
  let typingTimer = 0;
  let loadingTimer = 0;
  let inFlight = null;   // the AbortController of the search under way
  let searchSeq = 0;     // answers to older searches are dropped
  let readerSeq = 0;
  let returnFocus = null;

  // ---- Building the page from data ----

  function el(tag, className, ...children) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    node.append(...children.filter((c) => c !== null && c !== undefined));
    return node;
  }

  function linkButton(text, onClick, className = 'link') {
    const b = el('button', className, text);
    b.type = 'button';
    b.addEventListener('click', onClick);
    return b;
  }

  const utf8 = new TextEncoder();
  const fromUtf8 = new TextDecoder();

  // `text` with the [start, end) spans marked; the spans are byte offsets
  // into its UTF-8, as the API gives them.
  function highlighted(text, spans) {
    const frag = document.createDocumentFragment();
    const bytes = utf8.encode(text);
    let at = 0;
    for (const [start, end] of spans || []) {
      if (!(start >= at && end > start && end <= bytes.length)) continue;
      if (start > at) frag.append(fromUtf8.decode(bytes.subarray(at, start)));
      frag.append(el('mark', '', fromUtf8.decode(bytes.subarray(start, end))));
      at = end;
    }
    if (at < bytes.length) frag.append(fromUtf8.decode(bytes.subarray(at)));
    return frag;
  }

  function formatDate(iso) {
    const t = el('time', '', iso);
    t.dateTime = iso;
    return t;
  }

  function count(n) {
    return Number(n).toLocaleString('en');
  }

  // ---- States: loading, error, empty ----

  function setStatus(text) {
    ui.status.textContent = text;
  }

  function showError(text) {
    ui.error.textContent = text;
    ui.error.hidden = false;
  }

  function clearResults() {
    ui.results.replaceChildren();
    ui.pager.hidden = true;
    ui.spelling.hidden = true;
    ui.spelling.replaceChildren();
    ui.notices.hidden = true;
    ui.notices.replaceChildren();
    ui.error.hidden = true;
  }

  function setLoading(on) {
    clearTimeout(loadingTimer);
    ui.results.setAttribute('aria-busy', on ? 'true' : 'false');
    if (on) loadingTimer = setTimeout(() => setStatus('Searching…'),
                                      LOADING_AFTER_MS);
  }

  // ---- Searching ----

  function fullQuery() {
    let q = state.q.trim();
    if (state.from || state.to) q += ` date:${state.from}..${state.to}`;
    return q;
  }

  function saveToAddress() {
    const p = new URLSearchParams();
    if (state.q) p.set('q', state.q);
    if (state.from) p.set('from', state.from);
    if (state.to) p.set('to', state.to);
    if (state.sort !== 'relevance') p.set('sort', state.sort);
    if (state.offset) p.set('offset', String(state.offset));
    const query = p.toString();
    history.replaceState(null, '', query ? `?${query}` : location.pathname);
  }

  function readAddress() {
    const p = new URLSearchParams(location.search);
    state.q = p.get('q') || '';
    state.from = p.get('from') || '';
    state.to = p.get('to') || '';
    state.sort = p.get('sort') || 'relevance';
    state.offset = Math.max(0, parseInt(p.get('offset') || '0', 10) || 0);
    ui.q.value = state.q;
    ui.from.value = state.from;
    ui.to.value = state.to;
  }

  async function search() {
    clearTimeout(typingTimer);
    saveToAddress();
    if (inFlight) inFlight.abort();
    const seq = ++searchSeq;
    if (!state.q.trim()) {
      setLoading(false);
      clearResults();
      setStatus('');
      return;
    }
    const params = new URLSearchParams({q: fullQuery(), limit: String(LIMIT),
                                        offset: String(state.offset)});
    if (state.sort !== 'relevance') params.set('sort', state.sort);
    if (state.exact) params.set('exact', '1');
    if (state.any) params.set('any', '1');
    inFlight = new AbortController();
    setLoading(true);
    try {
      const res = await fetch(`/api/search?${params}`,
                              {signal: inFlight.signal});
      const body = await res.json().catch(() => null);
      if (seq !== searchSeq) return;
      setLoading(false);
      clearResults();
      if (!res.ok || !body) {
        setStatus('');
        showError(`Search failed: ${body && body.error ? body.error
                                                       : `HTTP ${res.status}`}`);
        return;
      }
      render(body);
    } catch (e) {
      if (e.name === 'AbortError' || seq !== searchSeq) return;
      setLoading(false);
      clearResults();
      setStatus('');
      showError('Search failed: the server cannot be reached.');
    }
  }

  function searchSoon() {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(search, DEBOUNCE_MS);
  }

  function searchFor(q, options = {}) {
    state.q = q;
    ui.q.value = q;
    state.offset = 0;
    state.exact = Boolean(options.exact);
    state.any = Boolean(options.any);
    search();
  }

  // ---- Results ----

  // The query with `word` (a word of it, as the API names it in a
  // suggestion) replaced by `by`; when the word cannot be found as typed
  // (the server matched a typographic variant), `by` alone.
  function replaceWord(q, word, by) {
    const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u');
    return re.test(q) ? q.replace(re, (m, before) => before + by) : by;
  }

  // The spelling the server corrected to, and the ones it offers:
  // {"word", "suggestion", "passages"} each (README, "JSON output").
  function renderSpelling(body) {
    const parts = [];
    if (body.corrected_query) {
      parts.push('Showing results for ',
                 linkButton(body.corrected_query,
                            () => searchFor(body.corrected_query)),
                 '. Search instead for ',
                 linkButton(state.q, () => searchFor(state.q, {exact: true})),
                 '.');
    }
    const suggestions = (Array.isArray(body.suggestions) ? body.suggestions : [])
      .filter((s) => s && typeof s.word === 'string' &&
                     typeof s.suggestion === 'string' && s.suggestion);
    if (suggestions.length) {
      if (parts.length) parts.push(' ');
      parts.push('Did you mean ');
      suggestions.forEach((s, i) => {
        if (i) parts.push(i === suggestions.length - 1 ? ' or ' : ', ');
        const q = replaceWord(state.q, s.word, s.suggestion);
        const b = linkButton(s.suggestion, () => searchFor(q));
        b.title = `Search for ${q}`;
        parts.push(b);
        if (s.passages > 0)
          parts.push(` (${count(s.passages)} ${s.passages === 1 ? 'passage' : 'passages'})`);
      });
      parts.push('?');
    }
    ui.spelling.replaceChildren(...parts);
    ui.spelling.hidden = parts.length === 0;
  }

  // What the server could not search as written, and what it searched
  // instead.
  function renderNotices(body) {
    const notices = (Array.isArray(body.notices) ? body.notices : [])
      .filter((n) => typeof n === 'string' && n);
    ui.notices.replaceChildren(...notices.map((n) => el('li', '', n)));
    ui.notices.hidden = notices.length === 0;
  }

  function sourceLabel(source, passage) {
    return `${source} ¶${passage}`;
  }

  function renderAlso(hit) {
    if (!hit.also || !hit.also.length) return null;
    const n = hit.also.length;
    // Each other source with its sentence stating the fact (JSON
    // `also[].sentence`, null when none holds a query word).
    const list = el('ul', '', ...hit.also.map((a) => el('li', '',
      linkButton(sourceLabel(a.source, a.passage),
                 () => openPassage(a.source, a.passage, null)),
      ...(typeof a.sentence === 'string' && a.sentence
        ? [' ', el('q', 'also-sentence', a.sentence)] : []))));
    return el('details', 'also',
              el('summary', '', `Also reported in ${n} other ` +
                                (n === 1 ? 'source' : 'sources')),
              list);
  }

  function renderHit(hit) {
    const title = linkButton(hit.title || hit.source,
                             () => openPassage(hit.source, hit.passage,
                                               hit.text_highlights), 'link open');
    title.setAttribute('aria-describedby', `snippet-${hit.rank}`);
    const meta = el('p', 'meta');
    if (hit.date) meta.append(formatDate(hit.date), ' · ');
    if (hit.author) meta.append(el('span', 'author', hit.author), ' · ');
    meta.append(sourceLabel(hit.source, hit.passage));
    // After the passages holding the words as typed: a similar spelling,
    // or some of the words with the rest elsewhere in the article.
    if (hit.typo) meta.append(' · ', el('span', 'tier', 'similar spelling'));
    if (hit.article) {
      meta.append(' · ', el('span', 'tier', 'the other words elsewhere in the article'));
    }
    const snippet = el('p', 'snippet',
                       highlighted(hit.snippet, hit.snippet_highlights));
    snippet.id = `snippet-${hit.rank}`;
    return el('li', 'hit',
              el('article', '', el('h2', '', title), meta,
                 hit.heading ? el('p', 'heading', `▸ ${hit.heading}`) : null,
                 snippet, renderAlso(hit)));
  }

  function renderPager(body, shown) {
    if (!shown) return;
    const first = body.offset + 1;
    const last = body.offset + shown;
    const about = body.total_exact ? '' : 'about ';
    ui.range.textContent = `${count(first)}–${count(last)} of ${about}${count(body.total)}`;
    ui.prev.disabled = body.offset === 0;
    ui.next.disabled = shown < LIMIT ||
                       (body.total_exact && last >= body.total);
    ui.pager.hidden = ui.prev.disabled && ui.next.disabled;
  }

  function renderEmpty(body) {
    if (body.offset > 0 && body.total > 0) {
      const about = body.total_exact ? '' : 'about ';
      setStatus(`No more results: ${about}${count(body.total)} in all.`);
    } else if (body.total_if_any > 0) {
      setStatus(`No passage has all of these words; ` +
                `${count(body.total_if_any)} have some of them.`);
      if (!ui.spelling.hidden) ui.spelling.append(' ');
      ui.spelling.append(
        linkButton('Show passages with any of the words',
                   () => searchFor(state.q, {any: true})));
      ui.spelling.hidden = false;
    } else {
      setStatus(`No passages match “${state.q.trim()}”.`);
    }
  }

  function render(body) {
    const hits = body.results || [];
    renderSpelling(body);
    renderNotices(body);
    if (!hits.length) {
      renderEmpty(body);
      return;
    }
    const about = body.total_exact ? '' : 'about ';
    setStatus(`${about}${count(body.total)} ` +
              (body.total === 1 ? 'passage' : 'passages') +
              (body.relaxed_syntax ? ' (the query was read as plain words)' : ''));
    ui.results.replaceChildren(...hits.map(renderHit));
    renderPager(body, hits.length);
  }

  // ---- Reading a passage in its article ----

  function renderPassage(rec, target, spans) {
    const section = el('section', rec.passage === target ? 'passage target'
                                                         : 'passage',
                       el('p', 'num', `¶${rec.passage}`),
                       rec.heading ? el('p', 'heading', rec.heading) : null,
                       el('p', '', rec.passage === target && spans
                                     ? highlighted(rec.text, spans)
                                     : rec.text));
    if (rec.passage === target) section.setAttribute('aria-current', 'true');
    return section;
  }

  async function openPassage(source, n, spans) {
    const seq = ++readerSeq;
    if (!ui.reader.open) {
      returnFocus = document.activeElement;
      ui.reader.showModal();
    }
    ui.readerTitle.textContent = sourceLabel(source, n);
    ui.readerMeta.textContent = 'Loading…';
    ui.readerBody.replaceChildren();
    const params = new URLSearchParams({source, n: String(n),
                                        context: String(CONTEXT)});
    let body = null;
    let problem = '';
    try {
      const res = await fetch(`/api/passage?${params}`);
      body = await res.json().catch(() => null);
      if (!res.ok || !body) problem = body && body.error ? body.error
                                                         : `HTTP ${res.status}`;
    } catch (e) {
      problem = 'the server cannot be reached';
    }
    if (seq !== readerSeq) return;
    if (problem) {
      ui.readerMeta.textContent = '';
      ui.readerBody.replaceChildren(el('p', 'error', `Cannot show it: ${problem}`));
      ui.readerBody.firstChild.setAttribute('role', 'alert');
      return;
    }
    ui.readerTitle.textContent = body.title || body.source;
    ui.readerMeta.replaceChildren();
    if (body.date) ui.readerMeta.append(formatDate(body.date), ' · ');
    if (body.author) ui.readerMeta.append(el('span', 'author', body.author), ' · ');
    ui.readerMeta.append(`${sourceLabel(body.source, body.passage)} of ` +
                         `${count(body.passages_in_source)}`);
    ui.readerBody.replaceChildren(
      ...body.passages.map((rec) => renderPassage(rec, body.passage, spans)));
    const target = ui.readerBody.querySelector('.target');
    if (target) target.scrollIntoView({block: 'center'});
  }

  // ---- Keyboard ----

  function resultButtons() {
    return [...ui.results.querySelectorAll('.open')];
  }

  function moveSelection(step) {
    const buttons = resultButtons();
    if (!buttons.length) return false;
    const at = buttons.indexOf(document.activeElement);
    if (step < 0 && at <= 0) {
      if (at === 0) ui.q.focus();
      return at === 0;
    }
    const next = at < 0 ? 0 : Math.min(at + step, buttons.length - 1);
    buttons[next].focus();
    buttons[next].scrollIntoView({block: 'nearest'});
    return true;
  }

  function isEditable(node) {
    return node instanceof HTMLInputElement ||
           node instanceof HTMLSelectElement ||
           node instanceof HTMLTextAreaElement ||
           (node && node.isContentEditable);
  }

  function onKey(ev) {
    if (ui.reader.open || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (ev.key === '/' && !isEditable(ev.target)) {
      ev.preventDefault();
      ui.q.focus();
      ui.q.select();
      return;
    }
    // Arrows move between results from the search box or a result; in
    // the date and sort fields they keep their own meaning.
    const fromHere = ev.target === ui.q || !isEditable(ev.target);
    if (fromHere && (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') &&
        moveSelection(ev.key === 'ArrowDown' ? 1 : -1))
      ev.preventDefault();
  }

  // ---- About the index ----

  async function loadAbout() {
    try {
      const res = await fetch('/api/stats');
      const s = await res.json().catch(() => null);
      if (!res.ok || !s) {
        ui.about.textContent = 'The index cannot be searched: ' +
                               (s && s.error ? s.error : `HTTP ${res.status}`);
        if (!state.q) showError(ui.about.textContent);
        return;
      }
      const built = s.built ? `, built ${s.built.replace('T', ' ').replace('Z', ' UTC')}` : '';
      const files = s.files ? ` from ${count(s.files)} files` : '';
      ui.about.textContent = `${count(s.passages)} passages${files} · index ` +
                             `generation ${s.generation}${built} · dealsearch ${s.version}`;
      const offered = (name) => [...ui.sort.options].some((o) => o.value === name);
      for (const name of s.sorts || []) {
        if (offered(name)) continue;
        const label = name.charAt(0).toUpperCase() + name.slice(1);
        ui.sort.append(new Option(label, name));
      }
      // An order the server does not offer (an old link) is dropped.
      if (!offered(state.sort)) state.sort = 'relevance';
      ui.sort.value = state.sort;
      ui.sort.disabled = ui.sort.options.length < 2;
    } catch (e) {
      ui.about.textContent = 'The server cannot be reached.';
    }
  }

  // ---- Wiring ----

  ui.q.addEventListener('input', () => {
    state.q = ui.q.value;
    state.offset = 0;
    state.exact = false;
    state.any = false;
    searchSoon();
  });
  ui.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    state.q = ui.q.value;
    state.offset = 0;
    search();
  });
  for (const field of [ui.from, ui.to, ui.sort]) {
    field.addEventListener('change', () => {
      state.from = ui.from.value;
      state.to = ui.to.value;
      state.sort = ui.sort.value;
      state.offset = 0;
      search();
    });
  }
  ui.prev.addEventListener('click', () => {
    state.offset = Math.max(0, state.offset - LIMIT);
    search();
  });
  ui.next.addEventListener('click', () => {
    state.offset += LIMIT;
    search();
  });
  ui.readerClose.addEventListener('click', () => ui.reader.close());
  ui.reader.addEventListener('click', (ev) => {
    if (ev.target === ui.reader) ui.reader.close();  // the backdrop
  });
  // Focus goes back to what opened the reader, unless the user has
  // already moved it (the close event runs a task after the dialog shuts,
  // and typing may have begun in the search box by then).
  ui.reader.addEventListener('close', () => {
    const here = document.activeElement;
    const unmoved = !here || here === document.body || ui.reader.contains(here);
    if (unmoved && returnFocus && document.contains(returnFocus)) returnFocus.focus();
  });
  document.addEventListener('keydown', onKey);

  readAddress();
  loadAbout();
  if (state.q) search();
})();
