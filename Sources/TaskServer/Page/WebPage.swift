/// The page at `/`: the task list, an add form, AI fields filled in live from /api/events.
/// Every user text is set with `textContent`, never parsed as HTML.
enum WebPage {
    static let html = """
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><title>Smart TODO</title>
    <style>body{font-family:sans-serif;max-width:48rem;margin:2rem auto}li{margin:.3rem 0}.ai{color:#555;font-size:.9em}</style>
    </head><body>
    <h1>Smart TODO</h1>
    <form id="add"><input id="title" placeholder="New task" required> <button>Add</button></form>
    <p id="note"></p>
    <ul id="tasks"></ul>
    <script>
    const list = document.getElementById('tasks');
    function row(task) {
      let li = document.getElementById('task-' + task.id);
      if (!li) { li = document.createElement('li'); li.id = 'task-' + task.id; list.prepend(li); }
      li.replaceChildren();
      const title = document.createElement('span'); title.textContent = task.title; li.append(title);
      const ai = document.createElement('span'); ai.className = 'ai';
      ai.textContent = ' ' + [task.category, task.priority, ...task.tags.map(t => '#' + t)].filter(Boolean).join(' · ');
      li.append(ai);
    }
    async function load() {
      const r = await fetch('/api/tasks?limit=100');
      if (!r.ok) { document.getElementById('note').textContent = 'Cannot list tasks: ' + r.status; return; }
      (await r.json()).tasks.forEach(row);
    }
    document.getElementById('add').addEventListener('submit', async e => {
      e.preventDefault();
      const input = document.getElementById('title');
      const r = await fetch('/api/tasks?enrich=async', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({title: input.value})});
      if (r.ok) { row(await r.json()); input.value = ''; } else { document.getElementById('note').textContent = (await r.json()).detail; }
    });
    const events = new EventSource('/api/events');
    for (const kind of ['task.created', 'task.enriched', 'task.updated']) events.addEventListener(kind, e => row(JSON.parse(e.data)));
    events.addEventListener('task.deleted', e => { const li = document.getElementById('task-' + JSON.parse(e.data).id); if (li) li.remove(); });
    load();
    </script></body></html>
    """
}
