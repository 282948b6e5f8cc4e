// @ts-check
// The plan graph webview. Messages are described in src/vscode/planProtocol.ts; this
// script only draws what it is sent. Text always goes in through textContent.
(function () {
  'use strict';
  /** @type {{ postMessage(m: unknown): void; getState(): unknown; setState(s: unknown): void }} */
  // @ts-ignore acquireVsCodeApi is injected by VS Code
  const vscode = acquireVsCodeApi();
  const SVG = 'http://www.w3.org/2000/svg';
  const summaryEl = /** @type {HTMLElement} */ (document.getElementById('summary'));
  const graphEl = /** @type {HTMLElement} */ (document.getElementById('graph'));
  const problemsEl = /** @type {HTMLElement} */ (document.getElementById('problems'));

  // Keep what the panel serializer needs to revive this panel after a reload.
  try {
    vscode.setState(JSON.parse(document.body.dataset.state || '{}'));
  } catch {
    /* no state */
  }

  /** @type {any} */ let plan = null;
  /** @type {Record<string, string>} */ let statuses = {};
  /** @type {any} */ let measured = null;

  const STATUS_LABEL = { queued: 'queued', running: 'running', succeeded: 'done', failed: 'failed', cancelled: 'cancelled', skipped: 'skipped', undecided: 'undecided' };

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (!m || typeof m !== 'object') return;
    switch (m.type) {
      case 'plan':
        plan = m.plan;
        render();
        break;
      case 'invalid':
        plan = null;
        renderInvalid(m.file, m.problems);
        break;
      case 'status':
        statuses = m.tasks || {};
        applyStatuses();
        renderSummary();
        break;
      case 'measured':
        measured = m.measured;
        renderSummary();
        break;
    }
  });

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function svg(tag, attrs, cls) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (cls) e.setAttribute('class', cls);
    return e;
  }
  const x1 = (n) => n.toFixed(n >= 10 ? 0 : 1);
  // Speedups as everywhere else (contract C6): `2.00×`.
  const times = (n) => `${n.toFixed(2)}×`;
  const units = (v) => (plan.unit === 'ms' ? formatMs(v) : `${x1(v)} task${v === 1 ? '' : 's'}`);
  function formatMs(ms) {
    const s = Math.round(ms / 1000);
    return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  }

  function renderSummary() {
    if (!plan) return;
    summaryEl.replaceChildren();
    const h = el('h1', '', `Plan · ${plan.file}`);
    summaryEl.append(h);
    const stats = el('dl', 'stats');
    const stat = (label, value, title, cls) => {
      const d = el('div', `stat ${cls || ''}`);
      d.title = title;
      d.append(el('dt', '', label), el('dd', '', value));
      stats.append(d);
    };
    const waves = plan.columns.filter((c) => c.label !== 'Cycle').length;
    stat('Tasks', String(plan.nodes.length), 'Tasks in the task file');
    stat('Waves', String(waves), 'Topological levels: tasks in one wave can run together');
    // The headline is what the concurrency cap allows; Amdahl's figure is labelled uncapped.
    stat('Expected speedup', times(plan.expectedSpeedup), `A critical-path-first schedule with at most ${plan.concurrency} at once, with the estimates`, 'speedup');
    stat(`Bound at concurrency ${plan.concurrency}`, times(plan.speedupBound), 'No schedule with this many agents at once can do better: total ÷ max(critical path, total ÷ concurrency)');
    stat('Uncapped (Amdahl)', times(plan.predictedSpeedup), `Total work (${units(plan.totalWork)}) ÷ critical path (${units(plan.criticalPathLength)}), with unlimited agents`);
    if (measured) stat('Measured', times(measured.speedup), `Sum of task durations ${formatMs(measured.workMs)} ÷ wall clock ${formatMs(measured.wallMs)}`, 'measured');
    const counts = Object.values(statuses).reduce((acc, s) => ((acc[s] = (acc[s] || 0) + 1), acc), /** @type {Record<string, number>} */ ({}));
    if (Object.keys(counts).length) {
      stat('Run', Object.entries(counts).map(([s, n]) => `${n} ${STATUS_LABEL[s] || s}`).join(' · '), 'Task statuses of the current run', 'run');
    }
    summaryEl.append(stats);
    const cp = el('p', 'critical-path');
    cp.append(el('span', 'label', 'Critical path: '), el('span', '', plan.criticalPath.join(' → ') || '—'));
    cp.title = `${units(plan.criticalPathLength)}; estimates are ${plan.unit === 'ms' ? 'measured durations of earlier runs' : '1 unit per task until a run has been measured'}`;
    summaryEl.append(cp);
  }

  function render() {
    renderSummary();
    graphEl.replaceChildren();
    const root = svg('svg', { width: plan.width, height: plan.height, viewBox: `0 0 ${plan.width} ${plan.height}` });
    for (const c of plan.columns) {
      const t = svg('text', { x: c.x + plan.nodeWidth / 2, y: 22, 'text-anchor': 'middle' }, c.label === 'Cycle' ? 'column-label cycle' : 'column-label');
      t.textContent = c.label;
      root.append(t);
    }
    const pos = new Map(plan.nodes.map((n) => [n.id, n]));
    const defs = svg('defs');
    for (const id of ['arrow', 'arrow-critical']) {
      const marker = svg('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
      marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z' }, id === 'arrow' ? 'arrow-head' : 'arrow-head critical'));
      defs.append(marker);
    }
    root.append(defs);
    const edges = svg('g', {}, 'edges');
    for (const e of plan.edges) {
      const a = pos.get(e.from);
      const b = pos.get(e.to);
      if (!a || !b) continue;
      const sx = a.x + plan.nodeWidth;
      const sy = a.y + plan.nodeHeight / 2;
      const tx = b.x;
      const ty = b.y + plan.nodeHeight / 2;
      const dx = Math.max(30, (tx - sx) / 2);
      // An import the code has but nothing orders (dashed): in one wave it loops out on the right.
      const sameColumn = a.x === b.x;
      const d = sameColumn
        ? `M ${sx} ${sy} C ${sx + 60} ${sy}, ${sx + 60} ${ty}, ${sx} ${ty}`
        : `M ${sx} ${sy} C ${sx + dx} ${sy}, ${tx - dx} ${ty}, ${tx} ${ty}`;
      const cls = e.inferred ? 'edge inferred' : e.critical ? 'edge critical' : 'edge';
      const path = svg('path', { d, 'marker-end': `url(#${e.critical ? 'arrow-critical' : 'arrow'})` }, cls);
      if (e.inferred) path.append(svg('title', {}, `inferred from imports: ${e.to} imports files ${e.from} owns, and nothing orders them`));
      path.dataset.from = e.from;
      path.dataset.to = e.to;
      edges.append(path);
    }
    root.append(edges);
    for (const n of plan.nodes) {
      const g = svg('g', { transform: `translate(${n.x}, ${n.y})`, tabindex: 0, role: 'button' }, `node kind-${n.kind}${n.onCriticalPath ? ' critical' : ''}${n.wave === 0 ? ' cycle' : ''}`);
      g.dataset.task = n.id;
      g.setAttribute('aria-label', `${n.id}${n.title ? `, ${n.title}` : ''}, wave ${n.wave || 'none (cycle)'}${n.onCriticalPath ? ', on the critical path' : ''}`);
      g.append(svg('rect', { width: plan.nodeWidth, height: plan.nodeHeight, rx: 6, ry: 6 }, 'box'));
      const title = svg('text', { x: 12, y: 21 }, 'node-id');
      title.textContent = n.id;
      const sub = svg('text', { x: 12, y: 39 }, 'node-sub');
      sub.textContent = `${n.kind === 'command' ? '$ command' : n.kind}${n.slots > 1 ? ` ×${n.slots}` : ''}${n.title ? ` · ${n.title}` : ''}`;
      const status = svg('text', { x: plan.nodeWidth - 10, y: 21, 'text-anchor': 'end' }, 'node-status');
      const tip = svg('title');
      tip.textContent = `${n.id}${n.title ? ` — ${n.title}` : ''}\nline ${n.line} · ${n.kind}${n.onCriticalPath ? ' · critical path' : ''}\nClick to open in the task file`;
      g.append(tip, title, sub, status);
      g.addEventListener('click', () => vscode.postMessage({ type: 'openTask', taskId: n.id }));
      g.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') vscode.postMessage({ type: 'openTask', taskId: n.id });
      });
      root.append(g);
    }
    graphEl.append(root);
    shown = new Map();
    applyStatuses();
    renderProblems(plan.problems);
  }

  /** What each node shows now: a status message names every task, most of them unchanged. */
  /** @type {Map<Element, string>} */ let shown = new Map();

  function applyStatuses() {
    for (const g of graphEl.querySelectorAll('g.node')) {
      const id = /** @type {SVGGElement} */ (g).dataset.task || '';
      const s = statuses[id] || '';
      if (shown.get(g) === s) continue;
      shown.set(g, s);
      for (const c of [...g.classList]) if (c.startsWith('status-')) g.classList.remove(c);
      if (s) g.classList.add(`status-${s}`);
      const label = g.querySelector('.node-status');
      if (label) label.textContent = s ? STATUS_LABEL[s] || s : '';
    }
  }

  function renderProblems(problems) {
    problemsEl.replaceChildren();
    problemsEl.hidden = !problems.length;
    if (!problems.length) return;
    const errors = problems.filter((p) => p.severity === 'error').length;
    problemsEl.append(el('h2', '', `${errors} error${errors === 1 ? '' : 's'}, ${problems.length - errors} warning${problems.length - errors === 1 ? '' : 's'}`));
    const list = el('ul');
    for (const p of problems) {
      const li = el('li', p.severity);
      const a = el('a', '', `${p.line}:${p.column}`);
      a.href = '#';
      a.addEventListener('click', (ev) => {
        ev.preventDefault();
        vscode.postMessage({ type: 'openProblem', line: p.line, column: p.column });
      });
      li.append(el('span', 'sev', p.severity === 'error' ? 'error' : 'warning'), a, el('span', 'msg', ` ${p.message}`));
      list.append(li);
    }
    problemsEl.append(list);
  }

  function renderInvalid(file, problems) {
    summaryEl.replaceChildren(el('h1', '', `Plan · ${file}`), el('p', 'invalid', 'The task file has errors, so there is no plan yet. Fix them and the graph appears here.'));
    graphEl.replaceChildren();
    renderProblems(problems);
  }

  vscode.postMessage({ type: 'ready' });
})();
