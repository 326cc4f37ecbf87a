/**
 * The page Vite DevTools' dock shows in its iframe: every plugin with its status in each connected
 * tab (the control API's status), and the reload history the tabs reported, newest first. A plain
 * page of the dev server, so it also works opened on its own. It asks again every second; text is
 * always set as text, never as markup.
 */
export function dockPageHtml(urls: { status: string; history: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hot-plugins</title>
<style>
  body { margin: 0; padding: 12px 16px; font: 13px/1.5 system-ui, sans-serif; color: #e8e8ec; background: #15161c; }
  h2 { font-size: 13px; margin: 16px 0 6px; color: #a9acbb; text-transform: uppercase; letter-spacing: .04em; }
  table { border-collapse: collapse; width: 100%; }
  td, th { text-align: left; padding: 3px 8px 3px 0; border-bottom: 1px solid #fff1; vertical-align: top; }
  th { color: #a9acbb; font-weight: 500; }
  .file, .when { color: #a9acbb; font-family: ui-monospace, monospace; font-size: 12px; }
  .bad { color: #ff8787; }
  .empty { color: #a9acbb; }
</style></head>
<body>
<h2>Plugins</h2>
<table><thead><tr><th>plugin</th><th>file</th><th>status</th></tr></thead><tbody id="plugins"></tbody></table>
<h2>History</h2>
<table><thead><tr><th>when</th><th>plugin</th><th>outcome</th><th>details</th></tr></thead><tbody id="history"></tbody></table>
<script type="module">
const urls = ${JSON.stringify(urls)}
const cell = (text, cls) => { const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; return td }
const row = (testid, plugin, cells) => { const tr = document.createElement('tr'); tr.dataset.testid = testid; tr.dataset.plugin = plugin; tr.append(...cells); return tr }
const empty = (text, span) => { const tr = document.createElement('tr'); const td = cell(text, 'empty'); td.colSpan = span; tr.append(td); return tr }
function renderPlugins(status) {
  const rows = status.plugins.map((p) => {
    const states = p.tabs.map((t) => t.status + (t.hotReload ? '' : ' (hot reload off)'))
    const text = states.length === 0 ? 'in no tab' : states.join(', ')
    return row('hp-dock-plugin', p.id, [cell(p.id), cell(p.file, 'file'), cell(text, states.some((s) => s !== 'idle') ? 'bad' : '')])
  })
  document.getElementById('plugins').replaceChildren(...(rows.length ? rows : [empty('no plugin entry found', 3)]))
}
function renderHistory(entries) {
  const rows = entries.flatMap((e) => e.plugins.map((p) => {
    const details = [Math.round(p.durationMs) + ' ms', p.stateKept ? 'state kept' : '', p.via ? 'via ' + p.via : '', p.file, p.error ?? ''].filter(Boolean).join(' · ')
    return row('hp-dock-entry', p.id, [cell(new Date(e.at).toLocaleTimeString(), 'when'), cell(p.id), cell(p.running === false ? 'not running' : p.outcome, p.outcome === 'swapped' ? '' : 'bad'), cell(details, 'file')])
  }))
  document.getElementById('history').replaceChildren(...(rows.length ? rows : [empty('no reload yet: save a plugin file', 4)]))
}
async function refresh() {
  try {
    const [status, history] = await Promise.all([urls.status, urls.history].map((u) => fetch(u).then((r) => r.json())))
    renderPlugins(status)
    renderHistory(history)
  } catch {
    // The dev server restarts: the next round asks again.
  }
  setTimeout(refresh, 1000)
}
refresh()
</script>
</body></html>
`
}
