/**
 * The page's HTML and CSS, shipped inside the package as strings (no CDN, nothing to find on
 * disk at run time, the same in the ESM and CJS builds). The script is `page-script.ts`.
 */

/** The page: a header with the filter, the tree, and a status line. */
export const pageHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>curio monitor</title>
<link rel="stylesheet" href="/monitor.css">
<script src="/monitor.js" defer></script>
</head>
<body>
<header>
  <h1>curio monitor</h1>
  <input id="filter" type="search" placeholder="filter by name" aria-label="filter tasks by name" autocomplete="off">
  <span id="count"></span>
  <span id="connection">connecting...</span>
  <span id="status" role="status"></span>
</header>
<div class="columns" aria-hidden="true">
  <span>id &nbsp;name</span><span>state</span><span>cycles</span><span>timeout</span><span>where (click for the chain)</span><span></span>
</div>
<ul id="tree" role="tree"></ul>
</body>
</html>
`

/** Rows on a grid, so columns line up however deep a task sits. */
export const pageCss = `:root { color-scheme: light dark; --fg: #1d1d1f; --muted: #6e6e73; --line: #d2d2d7; --bg: #fff; --hi: #f5f5f7; --accent: #0b63ce; --warn: #b3261e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8e8ed; --muted: #a1a1a6; --line: #3a3a3c; --bg: #1c1c1e; --hi: #2c2c2e; --accent: #5aa2ff; --warn: #ff6b5e; } }
body { margin: 0; font: 13px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: var(--fg); background: var(--bg); }
header { position: sticky; top: 0; z-index: 1; display: flex; gap: 1em; align-items: center; padding: .5em 1em; background: var(--hi); border-bottom: 1px solid var(--line); }
h1 { font-size: 1.1em; margin: 0; }
#filter { font: inherit; padding: .2em .5em; width: 18em; }
#count, #connection, #status { color: var(--muted); }
#connection.error, #status.error { color: var(--warn); }
.columns, .row { display: grid; grid-template-columns: 28em 11em 6em 7em minmax(12em, 1fr) 5em; gap: .5em; align-items: center; }
.columns > :first-child { padding-left: 1.9em; }
.columns { padding: .2em 1em; color: var(--muted); border-bottom: 1px solid var(--line); }
ul { list-style: none; margin: 0; padding: 0; }
#tree { padding: 0 1em; }
/* Depth indents the first cell only, so the other columns line up however deep a task sits. */
.task-cell { display: flex; gap: .6em; padding-left: calc(var(--depth, 0) * 1.5em); }
.task-cell .id { min-width: 2.5em; color: var(--muted); }
.task-cell .name { overflow: hidden; text-overflow: ellipsis; }
.row { padding: 1px 0; content-visibility: auto; contain-intrinsic-size: auto 21px; }
.row:hover { background: var(--hi); }
.row > span { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.toggle { font: inherit; border: 0; background: none; color: var(--muted); cursor: pointer; padding: 0 .3em 0 0; width: 1.4em; }
.toggle:disabled { visibility: hidden; }
.daemon { color: var(--muted); }
.where { font: inherit; border: 0; background: none; color: var(--accent); cursor: pointer; text-align: left; padding: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.cancel { font: inherit; font-size: .9em; cursor: pointer; }
.chain { margin: .2em 0 .4em 2em; padding: .4em .6em; background: var(--hi); border-left: 3px solid var(--accent); white-space: pre-wrap; }
.task.collapsed > .children { display: none; }
/* While filtering, every match shows, even inside a collapsed subtree. */
#tree.filtering .task.collapsed > .children { display: block; }
.task.hidden { display: none; }
`
