/**
 * The preview shell: the only page with script. It frames the rendered report in a sandbox that
 * runs no script (`sandbox="allow-same-origin"`: the shell may read the frame's document to make
 * its KPIs and table figures clickable; the report itself can run nothing, and its own CSP forbids script too), and
 * draws the error overlay and the data panel from `/state.json` whenever `/events` says so. Every
 * value from the report or its data is written with textContent, never as markup.
 */

export const SHELL_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const SHELL_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>linkbook preview</title>
<link rel="stylesheet" href="/shell.css">
<script src="/shell.js" defer></script>
</head>
<body>
<main id="stage">
  <iframe id="frame" title="report" sandbox="allow-same-origin" src="about:blank"></iframe>
  <section id="problems" hidden aria-live="assertive"><h2>The report has a problem; the last good render is below</h2><div id="problem-list"></div></section>
</main>
<aside id="panel">
  <header><strong id="title">linkbook preview</strong> <span id="status" class="muted"></span></header>
  <section><h2>Plan</h2><div id="plan"></div></section>
  <section id="lineage" hidden><h2>How this figure was computed</h2><dl id="lineage-body"></dl></section>
  <section><h2>Datasets</h2><div id="datasets"></div></section>
  <section id="rows" hidden><h2 id="rows-title"></h2><input id="rows-filter" type="search" placeholder="filter rows (any column)"><div id="rows-note" class="muted"></div><div class="scroll"><table id="rows-table"></table></div></section>
  <section><h2>Sections</h2><div id="sections"></div></section>
</aside>
</body>
</html>
`;

export const SHELL_CSS = `
html, body { margin: 0; height: 100%; font: 13px/1.45 system-ui, sans-serif; color: #1d2433; }
body { display: grid; grid-template-columns: minmax(0, 1fr) 420px; }
#stage { position: relative; height: 100vh; background: #e9ecf2; }
#frame { width: 100%; height: 100%; border: 0; background: #fff; }
#problems { position: absolute; inset: 16px 16px auto 16px; max-height: 80vh; overflow: auto; background: rgba(255, 246, 246, 0.97); border: 2px solid #c62828; border-radius: 6px; padding: 12px 16px; box-shadow: 0 4px 18px rgba(0,0,0,.2); }
#problems h2 { margin: 0 0 8px; font-size: 14px; color: #b71c1c; }
.problem { margin: 8px 0 12px; }
.problem .where { font-family: ui-monospace, monospace; font-weight: 600; }
.problem .hint { color: #5d4037; }
.problem pre { background: #fff; border: 1px solid #e0c0c0; padding: 6px 8px; overflow: auto; }
#panel { height: 100vh; overflow: auto; border-left: 1px solid #ccd; padding: 0 12px 24px; box-sizing: border-box; }
#panel header { position: sticky; top: 0; background: #fff; padding: 10px 0; border-bottom: 1px solid #eee; }
h2 { font-size: 13px; margin: 14px 0 6px; text-transform: uppercase; letter-spacing: .04em; color: #4a5468; }
.muted { color: #6b7385; }
.dataset { border: 1px solid #dde; border-radius: 6px; padding: 8px; margin-bottom: 8px; }
.dataset.needs-fetch, .dataset.failed { border-color: #e0a000; background: #fffaf0; }
.dataset .name { font-weight: 600; }
.dataset code, dd code { font-size: 11px; word-break: break-all; }
button { font: inherit; padding: 3px 10px; margin: 4px 4px 0 0; cursor: pointer; }
table { border-collapse: collapse; font-size: 11px; }
td, th { border: 1px solid #e3e6ee; padding: 2px 5px; text-align: left; white-space: nowrap; }
.scroll { overflow: auto; max-height: 360px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0; }
dt { color: #6b7385; }
dd { margin: 0; }
#rows-filter { width: 100%; box-sizing: border-box; margin-bottom: 4px; }
`;

export const SHELL_SCRIPT = `'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const frame = $('frame');
  let shownRender = -1;
  let state = null;
  let rowsView = null;

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function age(seconds) {
    if (seconds === null) return 'fetched in this session';
    if (seconds < 90) return seconds + ' s old';
    if (seconds < 5400) return Math.round(seconds / 60) + ' min old';
    if (seconds < 129600) return Math.round(seconds / 3600) + ' h old';
    return Math.round(seconds / 86400) + ' days old';
  }

  async function load() {
    const response = await fetch('/state.json', { cache: 'no-store' });
    state = await response.json();
    if (state.renderVersion !== shownRender) {
      shownRender = state.renderVersion;
      frame.src = '/report.html?v=' + state.renderVersion;
    }
    draw();
  }

  function draw() {
    $('title').textContent = state.title || state.file;
    $('status').textContent = state.renderMs === null ? '' : 'rendered in ' + state.renderMs + ' ms';
    drawProblems();
    drawPlan();
    drawDatasets();
    drawSections();
  }

  function drawProblems() {
    const list = $('problem-list');
    list.replaceChildren();
    $('problems').hidden = state.problems.length === 0;
    for (const p of state.problems) {
      const box = el('div', null, 'problem');
      box.append(el('div', p.where, 'where'), el('div', p.message, 'message'));
      if (p.hint) box.append(el('div', p.hint, 'hint'));
      if (p.frame) box.append(el('pre', p.frame, 'frame'));
      list.append(box);
    }
  }

  function drawPlan() {
    const plan = $('plan');
    plan.replaceChildren();
    if (!state.plan) return;
    const dl = el('dl');
    for (const [k, v] of [['estimate', state.plan.estimate], ['budget', state.plan.budget], ['spent here', state.plan.spent]]) dl.append(el('dt', k), el('dd', v));
    plan.append(dl);
    if (state.plan.sample) plan.append(el('div', 'sample data from the embedded emulator (free)', 'muted'));
  }

  function drawDatasets() {
    const box = $('datasets');
    box.replaceChildren();
    for (const d of state.datasets) {
      const card = el('div', null, 'dataset ' + d.status);
      card.dataset.name = d.name;
      card.append(el('div', d.name, 'name'), el('div', d.provider + ' ' + d.endpoint + (d.sample ? ' (sample)' : ''), 'muted'));
      const dl = el('dl');
      dl.append(el('dt', 'status'), el('dd', d.status, 'status'));
      if (d.rows !== null) dl.append(el('dt', 'rows'), el('dd', d.rows, 'row-count'));
      dl.append(el('dt', 'cost'), el('dd', d.cost), el('dt', 'fetching costs'), el('dd', (d.exact ? '' : 'at most ') + d.estimate, 'estimate'));
      if (d.status === 'ready') dl.append(el('dt', 'cache'), el('dd', age(d.cacheAgeSeconds)));
      const reqs = el('dd');
      for (const r of d.requests) { const c = el('code', r.method + ' ' + r.url + (r.body ? ' ' + r.body : '')); reqs.append(c, el('br')); }
      dl.append(el('dt', 'requests'), reqs);
      if (d.error) dl.append(el('dt', 'error'), el('dd', d.error, 'error'));
      card.append(dl);
      if (d.status === 'needs-fetch' || d.status === 'failed') {
        const button = el('button', 'Fetch (' + (d.exact ? '' : 'at most ') + d.estimate + ')');
        button.dataset.fetch = d.name;
        button.addEventListener('click', async () => {
          button.disabled = true;
          await fetch('/fetch/' + encodeURIComponent(d.name), { method: 'POST' });
          await load();
        });
        card.append(button);
      }
      if (d.status === 'ready') {
        const show = el('button', 'Rows');
        show.dataset.rows = d.name;
        show.addEventListener('click', () => openRows(d.name, null));
        card.append(show);
      }
      box.append(card);
    }
  }

  function drawSections() {
    const box = $('sections');
    box.replaceChildren();
    for (const s of state.sections) {
      const wrap = el('div', null, 'section');
      wrap.append(el('div', s.title || s.name, 'name'));
      if (s.aggregate) {
        wrap.append(el('div', s.aggregate.kind + (s.aggregate.of ? ' of ' + s.aggregate.of : ''), 'muted'));
        wrap.append(table(s.aggregate.fields, s.aggregate.rows));
      } else wrap.append(el('div', 'no aggregate', 'muted'));
      box.append(wrap);
    }
  }

  function table(columns, rows) {
    const t = el('table');
    const head = el('tr');
    for (const c of columns) head.append(el('th', c));
    t.append(head);
    for (const r of rows) {
      const tr = el('tr');
      for (const c of columns) tr.append(el('td', r[c] === null || r[c] === undefined ? '' : typeof r[c] === 'object' ? JSON.stringify(r[c]) : r[c]));
      t.append(tr);
    }
    return t;
  }

  async function openRows(name, metric, where) {
    rowsView = { name, metric, where: where || null };
    $('rows').hidden = false;
    $('rows-title').textContent = 'Rows of ' + name + (metric ? ' counted by ' + metric : '') + (where ? ' where ' + where : '');
    await drawRows();
    $('rows').scrollIntoView({ block: 'start' });
  }

  async function drawRows() {
    if (!rowsView) return;
    const q = new URLSearchParams({ filter: $('rows-filter').value });
    if (rowsView.metric) q.set('metric', rowsView.metric);
    if (rowsView.where) q.set('where', rowsView.where);
    const response = await fetch('/rows/' + encodeURIComponent(rowsView.name) + '?' + q, { cache: 'no-store' });
    const t = $('rows-table');
    if (!response.ok) { t.replaceChildren(); $('rows-note').textContent = 'not in hand'; return; }
    const answer = await response.json();
    $('rows-note').textContent = answer.matched + ' of ' + answer.total + ' rows match; the first ' + answer.rows.length + ' are shown (canonical columns, then the native raw.* ones)';
    t.replaceWith(Object.assign(table(answer.columns.concat(answer.native), answer.rows), { id: 'rows-table' }));
  }

  function showLineage(index) {
    const k = state && state.kpis[index];
    if (!k) return;
    const dl = $('lineage-body');
    dl.replaceChildren();
    const rows = [['figure', k.label + ': ' + (k.value === null ? 'not in this data' : k.value)], ['key', k.key], ['dataset', k.dataset + (k.provider ? ' (' + k.provider + ' ' + k.endpoint + ')' : '')], ['filter', k.filter || 'none'], ['aggregate', k.aggregate], ['rows counted', k.rowsCounted === null ? 'n/a' : k.rowsCounted + ' of ' + k.rowsInDataset]];
    if (k.note) rows.push(['note', k.note]);
    for (const [a, b] of rows) dl.append(el('dt', a), el('dd', b, a.replace(/ /g, '-')));
    const link = el('button', 'Show the rows counted');
    link.id = 'lineage-rows';
    link.addEventListener('click', () => openRows(k.dataset, k.metric));
    const cell = el('dd');
    cell.append(link);
    dl.append(el('dt', ''), cell);
    $('lineage').hidden = false;
  }

  function showSectionLineage(s) {
    const a = s.aggregate;
    const dl = $('lineage-body');
    dl.replaceChildren();
    const counted = a.rows.reduce((sum, r) => sum + (typeof r.count === 'number' ? r.count : 0), 0);
    const rows = [['figure', a.label], ['section', s.title || s.name], ['dataset', a.of], ['filter', a.filter || 'none'], ['aggregate', a.kind + ' over ' + a.of + ', one row per ' + (a.fields[0] || 'group')], ['rows counted', a.total + ' rows went in' + (a.fields.includes('count') ? '; the groups count ' + counted : '')]];
    for (const [k, v] of rows) dl.append(el('dt', k), el('dd', v, k.replace(/ /g, '-')));
    const link = el('button', 'Show the rows');
    link.id = 'lineage-rows';
    link.addEventListener('click', () => openRows(a.of, null));
    const cell = el('dd');
    cell.append(link);
    dl.append(el('dt', ''), cell);
    $('lineage').hidden = false;
  }

  function showLineageRows(rows, dataset, where) {
    const dl = $('lineage-body');
    dl.replaceChildren();
    for (const [k, v] of rows) dl.append(el('dt', k), el('dd', v, k.replace(/ /g, '-')));
    const link = el('button', 'Show the rows counted');
    link.id = 'lineage-rows';
    link.addEventListener('click', () => openRows(dataset, null, where));
    const cell = el('dd');
    cell.append(link);
    dl.append(el('dt', ''), cell);
    $('lineage').hidden = false;
    $('lineage').scrollIntoView({ block: 'start' });
  }

  function plain(v) {
    return v === null || v === undefined ? 'not in this data' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }

  // one cell of an aggregate's table: the group it is the figure of, and the rows that group counted
  function showAggregateCell(s, rowIndex, column, text) {
    const a = s.aggregate;
    const row = a.rows[rowIndex];
    if (!row) return;
    const key = a.fields[0];
    const where = a.rowsWhere[rowIndex];
    const counted = typeof row.count === 'number' ? row.count + ' rows in this group (' + a.total + ' rows went in)' : a.total + ' rows went in';
    showLineageRows([
      ['figure', column + ' ' + text + ' for ' + key + ' ' + plain(row[key])],
      ['section', s.title || s.name],
      ['dataset', a.of],
      ['filter', a.filter || 'none'],
      ['aggregate', a.kind + ' over ' + a.of + ', one row per ' + (key || 'group')],
      ['rows counted', counted],
      ['rows where', where || 'this group is no single column value: every row that went in is listed'],
    ], a.of, where);
  }

  // one cell of a row table: the dataset row it shows
  function showTableCell(s, rowIndex, column, text) {
    const t = s.table;
    const where = t.rowsWhere[rowIndex];
    showLineageRows([
      ['figure', column + ' ' + text],
      ['section', s.title || s.name],
      ['dataset', t.of],
      ['filter', t.filter || 'none'],
      ['aggregate', 'row ' + (rowIndex + 1) + ' of the ' + t.matched + ' rows of ' + t.of + ' the table matched'],
      ['rows counted', '1 row of ' + t.of],
      ['rows where', where || 'every row of the dataset is listed'],
    ], t.of, where);
  }

  function wireTables(doc) {
    doc.querySelectorAll('table.data[data-table]').forEach((tableEl) => {
      const name = tableEl.getAttribute('data-table');
      const aggregateOf = state.sections.find((s) => s.aggregate && s.aggregate.tableName === name);
      const rowsOf = state.sections.find((s) => s.table && s.table.tableName === name);
      if (!aggregateOf && !rowsOf) return;
      const heads = Array.from(tableEl.querySelectorAll('thead th')).map((th) => th.textContent.trim());
      const trs = Array.from(tableEl.querySelectorAll('tbody tr'));
      trs.forEach((tr, shownIndex) => {
        // the row's place among all the table's rows (render/table.ts); without it, as shown
        const marked = Number(tr.getAttribute('data-row'));
        let rowIndex = tr.hasAttribute('data-row') && Number.isInteger(marked) ? marked : shownIndex;
        if (!tr.hasAttribute('data-row') && aggregateOf && aggregateOf.aggregate.chronological) rowIndex = aggregateOf.aggregate.rows.length - trs.length + shownIndex;
        Array.from(tr.querySelectorAll('td')).forEach((td, col) => {
          td.style.cursor = 'pointer';
          td.title = 'How was this computed?';
          td.classList.add('lb-figure');
          td.addEventListener('click', (event) => {
            event.stopPropagation();
            event.preventDefault();
            const column = heads[col] || '';
            const text = td.textContent.trim();
            if (aggregateOf) showAggregateCell(aggregateOf, rowIndex, column, text);
            else showTableCell(rowsOf, rowIndex, column, text);
          });
        });
      });
    });
  }

  frame.addEventListener('load', () => {
    let doc = null;
    try { doc = frame.contentDocument; } catch (_) { doc = null; }
    if (!doc || !state) return;
    for (const s of state.sections) {
      if (!s.aggregate) continue;
      for (const id of [s.name, s.name + '-details']) {
        const block = doc.getElementById(id);
        if (!block) continue;
        block.style.cursor = 'pointer';
        block.title = 'How was this computed?';
        block.addEventListener('click', () => showSectionLineage(s));
      }
    }
    wireTables(doc);
    doc.querySelectorAll('.kpi').forEach((tile, index) => {
      tile.style.cursor = 'pointer';
      tile.title = 'How was this computed?';
      tile.addEventListener('click', () => showLineage(index));
    });
  });

  $('rows-filter').addEventListener('input', () => { void drawRows(); });
  const events = new EventSource('/events');
  events.addEventListener('update', () => { void load(); });
})();
`;
