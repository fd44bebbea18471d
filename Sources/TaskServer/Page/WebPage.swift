/// The page at `/`: the task list with filters, an add form, AI fields filling in live from
/// /api/events, inline edit of category, priority and tags (the user's value wins), done,
/// delete, undo, search by meaning and an explain panel; due dates in the browser's time zone.
/// Every user text is set with `textContent` (never parsed as HTML), so a title such as
/// `<img src=x onerror=alert(1)>` shows as typed.
enum WebPage {
    static let html = """
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
    <title>Smart TODO</title>
    <style>
    body{font-family:system-ui,sans-serif;max-width:56rem;margin:1.5rem auto;padding:0 1rem}
    [hidden]{display:none!important}
    form,fieldset{display:flex;gap:.4rem;flex-wrap:wrap;align-items:center;margin:.5rem 0;border:0;padding:0}
    li{margin:.35rem 0;list-style:none;display:flex;gap:.4rem;align-items:center;flex-wrap:wrap}
    .done .title{text-decoration:line-through;color:#777} .ai{color:#555;font-size:.85em}
    input.small{width:7rem} #note{color:#a40} #explain{background:#f4f4f4;padding:.5rem;white-space:pre-wrap}
    </style></head><body>
    <h1>Smart TODO</h1>
    <p><button id="undo" type="button" title="Revert the last change, as todo undo does">Undo</button> <span id="note" role="status"></span></p>
    <form id="auth" hidden><label>Token <input id="token" type="password" autocomplete="off"></label><button>Use</button></form>
    <form id="add"><input id="title" placeholder="New task" required aria-label="Title">
      <input id="description" placeholder="Description" aria-label="Description">
      <input id="due" class="small" placeholder="Due (friday, +3d)" aria-label="Due"><button>Add</button></form>
    <form id="filters"><select id="status" aria-label="Status"><option>pending</option><option>done</option><option>all</option></select>
      <input id="fcategory" class="small" placeholder="Category" aria-label="Category filter">
      <input id="ftag" class="small" placeholder="Tag" aria-label="Tag filter"><button>Filter</button></form>
    <form id="search"><input id="q" placeholder="Search by meaning" aria-label="Search"><button>Search</button></form>
    <ul id="results"></ul>
    <ul id="tasks"></ul>
    <button id="older" type="button" hidden>Show older tasks</button>
    <div id="explain" hidden></div>
    <script>
    const $ = id => document.getElementById(id);
    let token = sessionStorage.getItem('token') || '';
    function note(text) { $('note').textContent = text; }
    async function api(path, options = {}) {
      // Due dates in words ("friday 5pm") are read in the browser's time zone, not the server's.
      const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      options.headers = Object.assign(zone ? {'Time-Zone': zone} : {}, options.headers, token ? {Authorization: 'Bearer ' + token} : {});
      const r = await fetch(path, options);
      if (r.status === 401) { $('auth').hidden = false; throw new Error('This server needs a token.'); }
      return r;
    }
    // In the browser's time zone, the one its "friday 5pm" was read in (the Time-Zone header).
    function localTime(iso) {
      const d = new Date(iso), two = n => String(n).padStart(2, '0');
      return d.getFullYear() + '-' + two(d.getMonth() + 1) + '-' + two(d.getDate()) + ' ' + two(d.getHours()) + ':' + two(d.getMinutes());
    }
    function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
    async function patch(task, body) {
      const r = await api('/api/tasks/' + task.id, {method: 'PATCH', headers: {'Content-Type': 'application/json', 'If-Match': task.etag || '*'}, body: JSON.stringify(body)});
      const answer = await r.json();
      if (r.status === 412) {
        // Changed elsewhere since this page had it: shown as it is now, nothing overwritten.
        const fresh = await api('/api/tasks/' + task.id);
        if (fresh.ok) { const now = await fresh.json(); now.etag = fresh.headers.get('ETag'); row(now); }
        note('Task ' + task.id + ' was changed elsewhere; it is shown as it is now. Edit it again.'); return;
      }
      if (!r.ok) { note(answer.detail); return; }
      answer.etag = r.headers.get('ETag'); row(answer);
    }
    function field(task, name, width) {
      const input = el('input'); input.className = 'small'; input.setAttribute('aria-label', name + ' of ' + task.title);
      // defaultValue: the value attribute too, so a saved copy of the page shows the fields.
      input.defaultValue = name === 'tags' ? task.tags.join(', ') : (task[name] || '');
      input.placeholder = task.enrichment === 'pending' && !input.value ? 'AI…' : name;
      input.addEventListener('change', () => {
        const v = input.value.trim();
        patch(task, {[name]: name === 'tags' ? (v ? v.split(',').map(t => t.trim()).filter(Boolean) : null) : (v || null)});
      });
      return input;
    }
    function row(task, list = $('tasks'), below = false) {
      const id = (list === $('tasks') ? 'task-' : 'hit-') + task.id;
      let li = document.getElementById(id);
      if (task.status === 'deleted') { if (li) li.remove(); return; }
      if (!li) { li = el('li'); li.id = id; if (below) list.append(li); else list.prepend(li); }
      li.replaceChildren();
      li.className = task.status === 'done' ? 'done' : '';
      const box = el('input'); box.type = 'checkbox'; box.checked = task.status === 'done'; box.setAttribute('aria-label', 'done: ' + task.title);
      box.addEventListener('change', async () => {
        const r = await api('/api/tasks/' + task.id + (box.checked ? '/done' : '/reopen'), {method: 'POST'});
        const answer = await r.json();
        if (!r.ok) { box.checked = !box.checked; note(answer.detail); return; }
        row(answer);
      });
      li.append(box, el('span', task.title, 'title'));
      if (task.due) li.append(el('span', 'due ' + localTime(task.due), 'ai'));
      li.append(field(task, 'category'), field(task, 'priority'), field(task, 'tags'));
      const explain = el('button', 'Explain'); explain.type = 'button';
      explain.addEventListener('click', () => showExplain(task));
      const remove = el('button', 'Delete'); remove.type = 'button';
      remove.addEventListener('click', async () => {
        if (!confirm('Delete “' + task.title + '”?')) return;
        const r = await api('/api/tasks/' + task.id, {method: 'DELETE'});
        // Gone already (deleted elsewhere) is gone: the row goes; any other refusal is said.
        if (!r.ok && r.status !== 404) { note((await r.json()).detail); return; }
        li.remove();
      });
      li.append(explain, remove);
    }
    async function showExplain(task) {
      const r = await api('/api/tasks/' + task.id + '/explain');
      const e = await r.json();
      const panel = $('explain'); panel.hidden = false;
      if (!r.ok) { panel.textContent = e.detail; return; }
      const lines = ['Task ' + task.id + ': ' + task.title, 'Priority ' + e.priority + ' (score ' + e.score.toFixed(2) + ', set by ' + e.set_by + ')'];
      for (const t of e.terms) lines.push('  ' + t.contribution.toFixed(2) + '  ' + t.name + ' — ' + t.why);
      lines.push('Category ' + (e.category.category || '-') + ' (' + e.category.method + ', set by ' + e.category.set_by + ')');
      for (const s of e.category.scores.slice(0, 5)) lines.push('  ' + s.score.toFixed(2) + '  ' + s.name);
      lines.push('Tags (set by ' + e.tags.set_by + ')');
      for (const s of e.tags.suggested) lines.push('  ' + s.relevance.toFixed(2) + '  #' + s.tag + ' (' + s.source + ')');
      panel.textContent = lines.join('\\n');
    }
    // Newest first, 200 at a time: "Show older" follows the page's cursor.
    let older = null;
    async function load(more = false) {
      const params = new URLSearchParams({status: $('status').value, limit: '200', order: 'newest'});
      if ($('fcategory').value) params.set('category', $('fcategory').value);
      if ($('ftag').value) params.set('tag', $('ftag').value);
      if (more && older) params.set('cursor', older);
      const r = await api('/api/tasks?' + params);
      const page = await r.json();
      if (!r.ok) { note(page.detail); return; }
      if (!more) $('tasks').replaceChildren();
      page.tasks.forEach(t => row(t, $('tasks'), true));
      older = page.next;
      $('older').hidden = !older;
    }
    $('older').addEventListener('click', () => load(true));
    $('undo').addEventListener('click', async () => {
      let r = await api('/api/undo', {method: 'POST'});
      let answer = await r.json();
      // A task changed since by something no step records (a direct edit of the file): the user
      // decides, as todo undo --force lets them.
      if (r.status === 409 && answer.title === 'Changed since' && confirm(answer.detail.replace(/ \\(POST .*\\)$/, '') + '. Undo it anyway?')) {
        r = await api('/api/undo?force=true', {method: 'POST'});
        answer = await r.json();
      }
      if (!r.ok) { note(answer.detail); return; }
      answer.tasks.forEach(t => row(t));  // an undone add comes back deleted: its row goes
      note('Undid: ' + answer.command);
    });
    $('add').addEventListener('submit', async e => {
      e.preventDefault();
      const body = {title: $('title').value};
      if ($('description').value) body.description = $('description').value;
      if ($('due').value) body.due = $('due').value;
      const r = await api('/api/tasks?enrich=async', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
      const answer = await r.json();
      if (!r.ok) { note(answer.detail); return; }
      answer.etag = r.headers.get('ETag'); row(answer); note('');
      $('title').value = ''; $('description').value = ''; $('due').value = ''; $('title').focus();
    });
    $('filters').addEventListener('submit', e => { e.preventDefault(); load(); });
    $('search').addEventListener('submit', async e => {
      e.preventDefault();
      $('results').replaceChildren();
      if (!$('q').value.trim()) return;
      const r = await api('/api/search?q=' + encodeURIComponent($('q').value));
      const answer = await r.json();
      if (!r.ok) { note(answer.detail); return; }
      for (const hit of answer.hits.reverse()) row(hit.task, $('results'));
    });
    $('auth').addEventListener('submit', e => { e.preventDefault(); token = $('token').value; sessionStorage.setItem('token', token); $('auth').hidden = true; start(); });
    let events;
    async function start() {
      try {
        const ready = await (await fetch('/readyz')).json();
        if (!ready.model_loaded) note('No model is installed: tasks are stored, and their AI fields stay queued until it is (bash Tools/fetch-weights.sh, then restart).');
        await load();
        if (events) events.close();
        events = new EventSource('/api/events' + (token ? '?access_token=' + encodeURIComponent(token) : ''));
        for (const kind of ['task.created', 'task.enriched', 'task.updated']) events.addEventListener(kind, e => row(JSON.parse(e.data)));
        events.addEventListener('gap', () => load());  // events were missed: read the list again
        events.addEventListener('task.deleted', e => { const li = $('task-' + JSON.parse(e.data).id); if (li) li.remove(); });
      } catch (error) { note(error.message); }
    }
    start();
    </script></body></html>
    """
}
