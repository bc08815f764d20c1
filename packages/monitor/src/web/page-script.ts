/**
 * The page's script: plain DOM, no framework. Each task is one `<li data-task-id>` kept in a
 * map by id; an update touches only the cells that changed, so a tree of 10,000 tasks is
 * built once and then costs a few text nodes per tick. Rows hidden in a collapsed subtree
 * are not laid out (`display: none`), and rows off screen skip layout (`content-visibility`).
 *
 * It is a string (served as /monitor.js) so that the package ships it with no build step
 * of its own; the browser test in test/web-browser.test.ts is what runs it.
 */
export const pageScript = `'use strict'
;(() => {
  const tree = document.getElementById('tree')
  const filterBox = document.getElementById('filter')
  const count = document.getElementById('count')
  const connection = document.getElementById('connection')
  const status = document.getElementById('status')
  /** id -> { row, li, cells..., kids (ul), up (the node whose kids hold li, or null) } */
  const nodes = new Map()
  /** Nodes with a deadline, whose timeout cell counts down between updates. */
  const timed = new Set()
  /** A subtree with more children than this starts collapsed. */
  const BIG = 50
  let offset = 0
  let filter = ''

  function el(tag, cls, text) {
    const e = document.createElement(tag)
    if (cls) e.className = cls
    if (text !== undefined) e.textContent = text
    return e
  }

  /** The answer to the last action (a cancel). */
  function setStatus(text, error) {
    status.textContent = text
    status.classList.toggle('error', Boolean(error))
  }

  /** Whether the feed is live; kept apart from the status, so neither hides the other. */
  function setConnection(text, error) {
    connection.textContent = text
    connection.classList.toggle('error', Boolean(error))
  }

  function timeoutText(deadline) {
    if (deadline === null) return '-'
    const ms = Math.max(0, deadline - (Date.now() + offset))
    return ms >= 10000 ? (ms / 1000).toFixed(1) + 's' : Math.round(ms) + 'ms'
  }

  function setToggle(node) {
    const n = node.kids.childElementCount
    node.toggle.disabled = n === 0
    const collapsed = node.li.classList.contains('collapsed')
    node.toggle.textContent = collapsed ? '\u25b8' : '\u25be'
    node.toggle.title = (collapsed ? 'expand: ' : 'collapse: ') + n + (n === 1 ? ' child' : ' children')
    node.toggle.setAttribute('aria-expanded', String(!collapsed))
  }

  function create(row) {
    const li = el('li', 'task')
    li.dataset.taskId = String(row.id)
    li.setAttribute('role', 'treeitem')
    const line = el('div', 'row')
    const first = el('span', 'task-cell')
    const toggle = el('button', 'toggle')
    toggle.type = 'button'
    const node = {
      row: null, li, line, toggle, chain: null, up: null, depth: 0,
      name: el('span', 'name'), state: el('span', 'state'), cycles: el('span', 'cycles'),
      timeout: el('span', 'timeout'), where: el('button', 'where'), kids: el('ul', 'children'),
    }
    node.where.type = 'button'
    const actions = el('span', 'actions')
    if (!row.own) {
      const cancel = el('button', 'cancel', 'Cancel')
      cancel.type = 'button'
      cancel.title = 'cancel task ' + row.id + ' and wait until it has ended'
      actions.append(cancel)
    }
    node.kids.setAttribute('role', 'group')
    first.append(toggle, el('span', 'id', String(row.id)), node.name)
    line.append(first, node.state, node.cycles, node.timeout, node.where, actions)
    li.append(line, node.kids)
    const up = row.parent === null ? undefined : nodes.get(row.parent)
    if (up === undefined) tree.append(li)
    else {
      node.up = up
      setDepth(node, up.depth + 1)
      up.kids.append(li)
      if (up.kids.childElementCount === BIG + 1 && !up.touched) up.li.classList.add('collapsed')
      setToggle(up)
    }
    setToggle(node)
    nodes.set(row.id, node)
    return node
  }

  /** Indent a task and its subtree (styles set through the DOM pass the page's CSP). */
  function setDepth(node, depth) {
    node.depth = depth
    node.line.style.setProperty('--depth', String(depth))
    for (const li of node.kids.children) setDepth(nodes.get(Number(li.dataset.taskId)), depth + 1)
  }

  function apply(node, row) {
    const old = node.row
    if (old === null || old.name !== row.name || old.daemon !== row.daemon) {
      node.name.textContent = row.name + (row.daemon ? ' *' : '')
      node.name.title = row.daemon ? row.name + ' (daemon)' : row.name
    }
    if (old === null || old.state !== row.state) node.state.textContent = row.state
    if (old === null || old.cycles !== row.cycles) node.cycles.textContent = String(row.cycles)
    if (old === null || old.where !== row.where) {
      node.where.textContent = row.where
      node.where.title = 'where task ' + row.id + ' waits: click for its chain of yield* frames'
      if (node.chain !== null) loadChain(node)
    }
    node.row = row
    node.timeout.textContent = timeoutText(row.deadline)
    if (row.deadline === null) timed.delete(node)
    else timed.add(node)
  }

  /** A task ended: its children move up to its place, then it leaves the tree. */
  function remove(id) {
    const node = nodes.get(id)
    if (node === undefined) return
    nodes.delete(id)
    timed.delete(node)
    const moved = [...node.kids.children]
    for (const li of moved) {
      const child = nodes.get(Number(li.dataset.taskId))
      child.up = node.up
      setDepth(child, node.depth)
    }
    node.li.before(...moved)
    node.li.remove()
    if (node.up !== null) setToggle(node.up)
  }

  function receive(message, reset) {
    offset = message.now - Date.now()
    if (reset) {
      tree.textContent = ''
      nodes.clear()
      timed.clear()
    }
    for (const row of message.rows) apply(nodes.get(row.id) ?? create(row), row)
    for (const id of message.gone) remove(id)
    count.textContent = nodes.size + (nodes.size === 1 ? ' task' : ' tasks')
    if (filter !== '') applyFilter()
  }

  /** Show the tasks whose name holds the filter, and their ancestors so each sits in place. */
  function applyFilter() {
    tree.classList.toggle('filtering', filter !== '')
    const keep = new Set()
    // Children are younger than their parents: newest first, a match marks its parent in time.
    const ids = [...nodes.keys()].sort((a, b) => b - a)
    for (const id of ids) {
      const node = nodes.get(id)
      const show = filter === '' || keep.has(id) || node.row.name.toLowerCase().includes(filter)
      if (show && node.up !== null) keep.add(node.up.row.id)
      node.li.classList.toggle('hidden', !show)
    }
  }

  function loadChain(node) {
    fetch('/api/where?id=' + node.row.id)
      .then((r) => r.text())
      .then((text) => {
        if (node.chain !== null) node.chain.textContent = text.trimEnd()
      })
  }

  function cancel(node, button) {
    button.disabled = true
    setStatus('cancelling task ' + node.row.id + '...')
    fetch('/api/cancel', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: node.row.id }),
    })
      .then((r) => r.json())
      .then((answer) => setStatus(answer.message, !answer.ok))
      .catch((error) => {
        button.disabled = false
        setStatus('cancel failed: ' + error.message, true)
      })
  }

  tree.addEventListener('click', (event) => {
    const button = event.target.closest('button')
    const li = event.target.closest('li.task')
    if (button === null || li === null) return
    const node = nodes.get(Number(li.dataset.taskId))
    if (node === undefined) return
    if (button.classList.contains('toggle')) {
      node.touched = true
      li.classList.toggle('collapsed')
      setToggle(node)
    } else if (button.classList.contains('where')) {
      if (node.chain !== null) {
        node.chain.remove()
        node.chain = null
      } else {
        node.chain = el('pre', 'chain', '...')
        node.line.after(node.chain)
        loadChain(node)
      }
    } else if (button.classList.contains('cancel')) cancel(node, button)
  })

  let typing
  filterBox.addEventListener('input', () => {
    clearTimeout(typing)
    typing = setTimeout(() => {
      filter = filterBox.value.trim().toLowerCase()
      applyFilter()
    }, 100)
  })

  setInterval(() => {
    for (const node of timed) {
      const text = timeoutText(node.row.deadline)
      if (node.timeout.textContent !== text) node.timeout.textContent = text
    }
  }, 250)

  const events = new EventSource('/api/events')
  events.addEventListener('reset', (e) => {
    receive(JSON.parse(e.data), true)
    setConnection('live')
  })
  events.addEventListener('update', (e) => receive(JSON.parse(e.data), false))
  events.addEventListener('error', () => {
    setConnection('disconnected: the program ended or its monitor stopped; retrying', true)
  })
})()
`
