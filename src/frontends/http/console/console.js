// strato console: vanilla JS over the server's same-origin APIs. No
// dependencies, so the page works offline. Every string that comes from the
// server is put in the page as text (textContent / createTextNode), never as
// HTML.
'use strict';

const POLL_MS = 2000;          // statistics poll period
const WINDOW_MS = 120 * 1000;  // how much history the charts keep
const SVG_NS = 'http://www.w3.org/2000/svg';

// ---------------------------------------------------------------- helpers

// el('td', {class: 'num'}, 'text', childNode, ...): an element with
// attributes and children; strings become text nodes.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === undefined || c === null) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function svgEl(tag, attrs) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  return node;
}

function $(id) { return document.getElementById(id); }

// The message of an error body: KServe's {"error": "..."} or OpenAI's
// {"error": {"message": "..."}}.
function errorMessage(body, fallback) {
  if (body && typeof body.error === 'string') return body.error;
  if (body && body.error && typeof body.error.message === 'string') return body.error.message;
  return fallback;
}

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// fetch + JSON; a non-2xx reply throws ApiError with the server's message.
async function api(path, options) {
  const res = await fetch(path, options);
  const text = await res.text();
  let body = null;
  if (text.length > 0) {
    try { body = JSON.parse(text); } catch (_) { body = null; }
  }
  if (!res.ok) {
    throw new ApiError(res.status, `${res.status} ${res.statusText}: ` +
      errorMessage(body, text.slice(0, 300) || 'no details'));
  }
  return body;
}

function showError(node, message) {
  node.textContent = message;
  node.hidden = !message;
}

function formatMicros(us) {
  if (us === null || us === undefined || !isFinite(us)) return '–';
  if (us >= 1e6) return (us / 1e6).toFixed(2) + ' s';
  if (us >= 1e3) return (us / 1e3).toFixed(2) + ' ms';
  return us.toFixed(0) + ' µs';
}

function formatNumber(v) {
  if (!isFinite(v)) return '–';
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

// ---------------------------------------------------------------- state

const state = {
  index: [],              // [{name, version, state, reason}]
  configs: new Map(),     // model name -> config JSON (or null when unavailable)
  stats: new Map(),       // "model:version" -> latest model_stats entry
  history: new Map(),     // "model:version" -> [{t, count, ns, fail}]
  charts: new Map(),      // "model:version" -> {rate, latency} chart handles
};

// ---------------------------------------------------------------- tabs

const TABS = ['models', 'traffic', 'metrics', 'playground'];

// Shows one tab; its name goes in the URL fragment so a reload or a shared
// link opens the same tab.
function selectTab(name) {
  if (!TABS.includes(name)) name = TABS[0];
  if (location.hash !== '#' + name) history.replaceState(null, '', '#' + name);
  for (const b of document.querySelectorAll('#tabs button')) {
    b.setAttribute('aria-selected', String(b.dataset.tab === name));
  }
  for (const s of document.querySelectorAll('section.tab')) s.hidden = s.id !== 'tab-' + name;
  if (name === 'traffic') refreshTraffic();
}

// ---------------------------------------------------------------- header

async function loadServer() {
  try {
    const meta = await api('/v2');
    $('server-version').textContent = `${meta.name} ${meta.version}`;
  } catch (e) {
    showError($('banner'), 'cannot reach the server: ' + e.message);
  }
}

function setHealth(ok, text) {
  const pill = $('server-health');
  pill.textContent = text;
  pill.className = 'pill ' + (ok ? 'ok' : 'bad');
}

// ---------------------------------------------------------------- models

async function loadConfig(name) {
  if (state.configs.has(name) && state.configs.get(name) !== null) return;
  try {
    state.configs.set(name, await api(`/v2/models/${encodeURIComponent(name)}/config`));
  } catch (_) {
    state.configs.set(name, null);  // not loaded: no configuration to show
  }
}

async function refreshModels() {
  try {
    state.index = await api('/v2/repository/index', {method: 'POST', body: '{}'});
    showError($('banner'), '');
  } catch (e) {
    showError($('banner'), 'repository index: ' + e.message);
    return;
  }
  const names = [...new Set(state.index.map(m => m.name))];
  await Promise.all(names.map(loadConfig));
  renderModels();
  renderPlaygroundChoices();
}

function statsKey(name, version) { return `${name}:${version}`; }

function renderModels() {
  const tbody = $('models-table').querySelector('tbody');
  const versions = new Map();
  for (const m of state.index) {
    if (!versions.has(m.name)) versions.set(m.name, []);
    versions.get(m.name).push(m.version || '–');
  }
  const rows = [...state.index].sort((a, b) =>
    a.name.localeCompare(b.name) || Number(a.version) - Number(b.version));
  tbody.replaceChildren(...rows.map(m => {
    const config = state.configs.get(m.name);
    const s = state.stats.get(statsKey(m.name, m.version));
    const success = s ? s.inference_stats.success : null;
    const fail = s ? s.inference_stats.fail.count : null;
    const avg = success && success.count > 0 ? success.ns / success.count / 1000 : null;
    return el('tr', {'data-model': m.name, 'data-version': m.version},
      el('td', {}, el('strong', {}, m.name)),
      el('td', {}, m.version || '–'),
      el('td', {}, el('span', {class: 'pill state-' + (m.state || 'UNKNOWN'), 'data-state': m.state || ''},
        m.state || 'UNKNOWN')),
      el('td', {}, config ? config.backend || config.platform || '–' : '–'),
      el('td', {class: 'num'}, config ? config.max_batch_size : '–'),
      el('td', {}, versions.get(m.name).join(', ')),
      el('td', {class: 'num'}, success ? success.count : '–'),
      el('td', {class: 'num'}, fail === null ? '–' : fail),
      el('td', {class: 'num'}, formatMicros(avg)),
      el('td', {class: 'muted'}, m.reason || ''));
  }));
}

// ---------------------------------------------------------------- traffic

async function refreshTraffic() {
  const note = $('traffic-note');
  const table = $('traffic-table');
  let deployments;
  try {
    deployments = await api('/v1/deployments');
  } catch (e) {
    table.hidden = true;
    note.textContent = e.status === 404
      ? 'no registry: start strato serve --registry DIR to manage deployments'
      : 'deployments: ' + e.message;
    note.className = e.status === 404 ? 'muted' : 'error';
    return;
  }
  note.className = 'muted';
  note.textContent = deployments.length === 0
    ? 'The registry has no deployments yet (strato model deploy).'
    : 'From GET /v1/deployments: production serves, the canary gets its weight of the traffic, ' +
      'the shadow gets a copy of every request.';
  table.hidden = deployments.length === 0;
  const version = v => (v > 0 ? 'v' + v : '–');
  const windowText = w => (w ? `${w.requests} (${w.errors})` : '–');
  table.querySelector('tbody').replaceChildren(...deployments.map(d => {
    const weight = d.canary > 0 ? d.canary_weight : 0;
    return el('tr', {'data-model': d.model},
      el('td', {}, el('strong', {}, d.model)),
      el('td', {}, version(d.production)),
      el('td', {}, version(d.canary)),
      el('td', {}, el('span', {class: 'weight'}, el('span', {style: `width:${(weight * 100).toFixed(1)}%`})),
        (weight * 100).toFixed(1) + ' %'),
      el('td', {}, version(d.shadow)),
      el('td', {}, d.sticky_key || '–'),
      el('td', {}, `${windowText(d.production_window)} / ${d.canary > 0 ? windowText(d.canary_window) : '–'}`),
      el('td', {}, d.shadow > 0 ? `${d.shadow_compared} / ${d.shadow_mismatched}` : '–'),
      el('td', {}, `${d.next_decision || ''} ${d.next_reason ? '(' + d.next_reason + ')' : ''}`.trim()));
  }));
}

// ---------------------------------------------------------------- metrics

// A line chart drawn into an <svg>: `points` are [{t, v}] with v possibly
// null (no requests in that interval: a gap).
function makeChart(title, unitClass) {
  const W = 280, H = 110, left = 42, right = 6, top = 8, bottom = 16;
  const svg = svgEl('svg', {class: 'chart', viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none',
    'data-max': '0'});
  const value = el('span', {class: 'mono'}, '–');
  const box = el('div', {}, el('div', {class: 'chart-title'}, el('span', {}, title), value), svg);
  const path = svgEl('path', {class: 'line ' + unitClass, d: ''});
  const maxLabel = svgEl('text', {x: left - 4, y: top + 8, 'text-anchor': 'end'});
  const zeroLabel = svgEl('text', {x: left - 4, y: H - bottom, 'text-anchor': 'end'});
  zeroLabel.textContent = '0';
  const ageLabel = svgEl('text', {x: left, y: H - 3});
  ageLabel.textContent = '−2 min';
  const nowLabel = svgEl('text', {x: W - right, y: H - 3, 'text-anchor': 'end'});
  nowLabel.textContent = 'now';
  svg.append(
    svgEl('line', {class: 'axis', x1: left, y1: top, x2: left, y2: H - bottom}),
    svgEl('line', {class: 'axis', x1: left, y1: H - bottom, x2: W - right, y2: H - bottom}),
    maxLabel, zeroLabel, ageLabel, nowLabel, path);
  function draw(points, now, format) {
    const values = points.filter(p => p.v !== null).map(p => p.v);
    const max = values.length ? Math.max(...values) : 0;
    const scale = max > 0 ? max * 1.1 : 1;
    const x = t => left + (W - left - right) * (1 - (now - t) / WINDOW_MS);
    const y = v => H - bottom - (H - top - bottom) * (v / scale);
    // Runs of points between gaps; a run of one point is drawn as a dot (a
    // zero-length segment with round caps).
    const runs = [[]];
    for (const p of points) {
      if (p.v === null) {
        if (runs[runs.length - 1].length) runs.push([]);
      } else {
        runs[runs.length - 1].push(`${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`);
      }
    }
    const d = runs.filter(r => r.length > 0)
      .map(r => 'M' + r.join(' L') + (r.length === 1 ? ' h0' : '')).join(' ');
    path.setAttribute('d', d);
    svg.setAttribute('data-max', String(max));
    maxLabel.textContent = max > 0 ? format(scale) : '';
    const last = values.length ? values[values.length - 1] : null;
    value.textContent = last === null ? '–' : format(last);
  }
  return {node: box, draw, svg};
}

function chartsFor(key) {
  if (state.charts.has(key)) return state.charts.get(key);
  const [name, version] = [key.slice(0, key.lastIndexOf(':')), key.slice(key.lastIndexOf(':') + 1)];
  const rate = makeChart('inferences / s', 'rate');
  const latency = makeChart('mean request latency (µs)', 'latency');
  rate.svg.setAttribute('data-chart', 'rate');
  latency.svg.setAttribute('data-chart', 'latency');
  const card = el('div', {class: 'chart-card', 'data-model': name, 'data-version': version},
    el('h3', {}, `${name} `, el('span', {class: 'muted'}, 'v' + version)),
    el('div', {class: 'chart-pair'}, rate.node, latency.node));
  // Keep the cards in name order.
  const container = $('charts');
  const after = [...container.children].find(c =>
    statsKey(c.dataset.model, c.dataset.version).localeCompare(key) > 0);
  container.insertBefore(card, after || null);
  const handles = {rate, latency, card};
  state.charts.set(key, handles);
  return handles;
}

// Rates and mean latencies between consecutive samples of the cumulative
// counters (inference_stats.success.count / .ns).
function derive(samples) {
  const rate = [], latency = [];
  for (let i = 1; i < samples.length; ++i) {
    const a = samples[i - 1], b = samples[i];
    const dt = (b.t - a.t) / 1000;
    const dc = b.count - a.count;
    if (dt <= 0 || dc < 0) continue;  // counters reset (model reloaded)
    rate.push({t: b.t, v: dc / dt});
    latency.push({t: b.t, v: dc > 0 ? (b.ns - a.ns) / dc / 1000 : null});
  }
  return {rate, latency};
}

async function pollStats() {
  let body;
  try {
    body = await api('/v2/models/stats');
    setHealth(true, 'live');
  } catch (e) {
    setHealth(false, 'unreachable');
    return;
  }
  const now = Date.now();
  const seen = new Set();
  for (const s of body.model_stats || []) {
    const key = statsKey(s.name, s.version);
    seen.add(key);
    state.stats.set(key, s);
    const success = s.inference_stats.success;
    const samples = state.history.get(key) || [];
    samples.push({t: now, count: Number(success.count), ns: Number(success.ns)});
    while (samples.length > 2 && now - samples[1].t > WINDOW_MS) samples.shift();
    state.history.set(key, samples);
    const {rate, latency} = derive(samples);
    const charts = chartsFor(key);
    charts.rate.draw(rate, now, formatNumber);
    charts.latency.draw(latency, now, v => formatNumber(v));
  }
  // Versions no longer served: drop their charts.
  for (const [key, charts] of state.charts) {
    if (seen.has(key)) continue;
    charts.card.remove();
    state.charts.delete(key);
    state.history.delete(key);
    state.stats.delete(key);
  }
  renderModels();
}

// ---------------------------------------------------------------- playground

function isLlm(config) { return config && config.backend === 'llamacpp'; }

function renderPlaygroundChoices() {
  const select = $('pg-model');
  const previous = select.value;
  const ready = [...new Set(state.index.filter(m => m.state === 'READY').map(m => m.name))].sort();
  const groups = [
    ['Chat (LLM)', ready.filter(n => isLlm(state.configs.get(n)))],
    ['Tensor models', ready.filter(n => state.configs.get(n) && !isLlm(state.configs.get(n)))],
  ];
  select.replaceChildren(...groups.filter(([, names]) => names.length > 0).map(([label, names]) =>
    el('optgroup', {label}, ...names.map(n => el('option', {value: n}, n)))));
  const names = groups.flatMap(([, n]) => n);
  $('pg-empty').hidden = names.length > 0;
  if (names.length === 0) {
    $('pg-tensor').hidden = true;
    $('pg-chat').hidden = true;
    return;
  }
  select.value = names.includes(previous) ? previous : names[0];
  if (select.value !== previous) showPlayground();
}

function showPlayground() {
  const name = $('pg-model').value;
  const config = state.configs.get(name);
  const llm = isLlm(config);
  $('pg-chat').hidden = !llm;
  $('pg-tensor').hidden = llm;
  if (!llm && config) {
    $('pg-tensor-name').textContent = name;
    $('pg-request').value = JSON.stringify(requestTemplate(config, 'random'), null, 2);
    $('pg-outputs').hidden = true;
    $('pg-latency').textContent = '';
    showError($('pg-error'), '');
  }
}

// A value of a config data_type: 'random' or 'zero'.
function sampleValue(datatype, mode) {
  if (datatype === 'BYTES') return mode === 'zero' ? '' : 'hello strato';
  if (datatype === 'BOOL') return mode === 'zero' ? false : Math.random() < 0.5;
  if (datatype.startsWith('FP') || datatype === 'BF16') {
    return mode === 'zero' ? 0 : Math.round(Math.random() * 1000) / 1000;
  }
  return mode === 'zero' ? 0 : Math.floor(Math.random() * 10);  // INT*/UINT*
}

// Sentiment models (backend "sentiment") are pre-filled with texts to score.
const SENTIMENT_EXAMPLES = ['a charming and often affecting journey \u{1F60D}',
                            'the plot is not worth the time, sadly'];

// Pre-filled requests for the use-case backends, whose inputs are not plain
// tensors of any value: one second of quiet audio for speech recognition, a
// sentence to speak, a MovieLens user, an hourly series with a daily season.
function useCaseTemplate(config, mode) {
  const noise = () => (mode === 'zero' ? 0 : (Math.random() - 0.5) * 0.02);
  switch (config.backend) {
    case 'pocketsphinx':
      return {inputs: [{name: 'audio_float', datatype: 'FP32', shape: [16000],
                        data: Array.from({length: 16000}, noise)}]};
    case 'tts':
      return {inputs: [{name: 'text', datatype: 'BYTES', shape: [1], data: ['Hello from strato.']}]};
    case 'recommender':
      return {inputs: [{name: 'USER_ID', datatype: 'INT64', shape: [1], data: [1]},
                       {name: 'K', datatype: 'INT32', shape: [1], data: [10]}]};
    case 'forecast': {
      const history = Array.from({length: 72}, (_, i) =>
        Number((100 + 20 * Math.sin(2 * Math.PI * i / 24) + (mode === 'zero' ? 0 : Math.random() * 5)).toFixed(2)));
      return {inputs: [{name: 'HISTORY', datatype: 'FP32', shape: [72], data: history},
                       {name: 'HORIZON', datatype: 'INT32', shape: [1], data: [24]}]};
    }
    default:
      return null;
  }
}

// The KServe v2 infer body for a config: every input, its shape from dims
// (-1 becomes 1, plus a batch dimension of 1 when the model batches).
function requestTemplate(config, mode) {
  if (config.backend === 'routing') return routingTemplate();
  const special = useCaseTemplate(config, mode);
  if (special) return special;
  if (config.backend === 'sentiment') {  // an empty text would be refused, so 'zero' too
    return {inputs: [{name: 'TEXT', datatype: 'BYTES', shape: [SENTIMENT_EXAMPLES.length, 1],
                      data: SENTIMENT_EXAMPLES}]};
  }
  const inputs = (config.input || []).map(input => {
    const datatype = String(input.data_type || 'TYPE_FP32').replace(/^TYPE_/, '').replace(/^STRING$/, 'BYTES');
    const dims = (input.dims || []).map(d => (Number(d) < 0 ? 1 : Number(d)));
    const shape = config.max_batch_size > 0 ? [1, ...dims] : dims;
    const count = shape.reduce((a, b) => a * b, 1);
    const data = Array.from({length: Math.min(count, 4096)}, () => sampleValue(datatype, mode));
    return {name: input.name, datatype, shape, data};
  });
  return {inputs};
}

async function sendInfer() {
  const name = $('pg-model').value;
  const errorBox = $('pg-error');
  showError(errorBox, '');
  let body;
  try {
    body = JSON.parse($('pg-request').value);
  } catch (e) {
    showError(errorBox, 'the request is not valid JSON: ' + e.message);
    return;
  }
  $('pg-send').disabled = true;
  const started = performance.now();
  try {
    const reply = await api(`/v2/models/${encodeURIComponent(name)}/infer`,
      {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
    const ms = performance.now() - started;
    $('pg-latency').textContent = `${ms.toFixed(1)} ms round trip (model ${reply.model_name} v${reply.model_version})`;
    const table = $('pg-outputs');
    table.querySelector('tbody').replaceChildren(...(reply.outputs || []).map(o =>
      el('tr', {},
        el('td', {}, o.name),
        el('td', {}, o.datatype),
        el('td', {class: 'mono'}, JSON.stringify(o.shape)),
        el('td', {class: 'mono data', 'data-output': o.name}, JSON.stringify(o.data)))));
    table.hidden = false;
    if (state.configs.get(name)?.backend === 'routing') drawRoutes(body, reply);
    else $('pg-routes').hidden = true;
  } catch (e) {
    $('pg-outputs').hidden = true;
    $('pg-routes').hidden = true;
    $('pg-latency').textContent = '';
    showError(errorBox, e.message);
  } finally {
    $('pg-send').disabled = false;
  }
}

// ---------------------------------------------------------------- routing

// A small vehicle routing problem for the `routing` backend (strato/routing/json.h).
function routingTemplate() {
  const customers = [];
  for (let i = 1; i <= 16; ++i) {
    const a = i * 2.4, r = 15 + (i * 37) % 35;
    customers.push({id: `stop-${i}`, x: Math.round(50 + r * Math.cos(a)), y: Math.round(50 + r * Math.sin(a)),
      demand: 1 + (i * 7) % 5, service: 5, ready: 0, due: 400});
  }
  const problem = {capacity: 15, depot: {x: 50, y: 50, ready: 0, due: 480}, customers, time_limit_s: 1};
  return {inputs: [{name: 'PROBLEM', datatype: 'BYTES', shape: [1], data: [JSON.stringify(problem)]}]};
}

// Draws the routes of a routing reply on the plane, one colour per vehicle,
// and the best cost over time.
function drawRoutes(body, reply) {
  const box = $('pg-routes');
  box.hidden = true;
  let problem, solution;
  try {
    problem = JSON.parse(body.inputs[0].data[0]);
    solution = JSON.parse(reply.outputs.find(o => o.name === 'SOLUTION').data[0]);
  } catch (e) {
    return;
  }
  const nodes = [problem.depot || {}, ...(problem.customers || [])];
  if (!nodes.every(n => Number.isFinite(n.x) && Number.isFinite(n.y))) return;
  const xs = nodes.map(n => n.x), ys = nodes.map(n => n.y);
  const minX = Math.min(...xs), minY = Math.min(...ys);
  const span = Math.max(Math.max(...xs) - minX, Math.max(...ys) - minY, 1e-9);
  const size = 360, pad = 12;
  const px = n => pad + (n.x - minX) / span * (size - 2 * pad);
  const py = n => size - pad - (n.y - minY) / span * (size - 2 * pad);
  const plane = svgEl('svg', {width: size, height: size, viewBox: `0 0 ${size} ${size}`, 'data-chart': 'routes'});
  const routes = solution.routes || [];
  routes.forEach((route, i) => {
    const color = `hsl(${Math.round(i * 360 / Math.max(routes.length, 1))} 70% 45%)`;
    const path = [nodes[0], ...route.customers.map(c => nodes[c]), nodes[0]];
    plane.append(svgEl('polyline', {points: path.map(n => `${px(n)},${py(n)}`).join(' '),
      fill: 'none', stroke: color, 'stroke-width': 2, 'data-vehicle': route.vehicle}));
    for (const c of route.customers) {
      plane.append(svgEl('circle', {cx: px(nodes[c]), cy: py(nodes[c]), r: 3, fill: color}));
    }
  });
  plane.append(svgEl('rect', {x: px(nodes[0]) - 5, y: py(nodes[0]) - 5, width: 10, height: 10, fill: '#222'}));
  const history = solution.history || [];
  const curve = svgEl('svg', {width: size, height: 100, viewBox: `0 0 ${size} 100`, 'data-chart': 'cost'});
  if (history.length > 0) {
    const tMax = Math.max(history[history.length - 1][0], 1e-9);
    const cMin = Math.min(...history.map(h => h[1])), cMax = Math.max(...history.map(h => h[1]));
    const cx = t => pad + t / tMax * (size - 2 * pad);
    const cy = c => 90 - (cMax > cMin ? (c - cMin) / (cMax - cMin) * 80 : 0);
    let d = '';
    history.forEach(([t, c], i) => {
      d += (i === 0 ? `M${cx(t)},${cy(c)}` : ` H${cx(t)} V${cy(c)}`);
    });
    curve.append(svgEl('path', {d, fill: 'none', stroke: '#2a6', 'stroke-width': 2}));
  }
  box.replaceChildren(
    el('p', {class: 'muted'}, `${solution.vehicles} vehicles, cost ${Number(solution.cost).toFixed(1)}` +
      `${solution.feasible ? '' : ' (no feasible solution)'}; best cost over ${Number(solution.seconds).toFixed(2)} s:`),
    plane, curve);
  box.hidden = false;
}

// ---------------------------------------------------------------- chat

const chat = {history: [], abort: null};

function chatMessage(role, text) {
  const body = el('span', {class: 'text'}, text);
  const node = el('div', {class: 'msg ' + role, 'data-role': role},
    el('span', {class: 'who'}, role === 'user' ? 'you' : 'model'), body);
  $('chat-log').append(node);
  return {node, body};
}

// Reads an SSE body and calls onData with each `data:` payload until [DONE].
// The body is read to its end (the server closes the stream right after
// [DONE]) rather than cancelled, which would abort the request.
async function readSse(response, onData) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let finished = false;
  for (;;) {
    const {value, done} = await reader.read();
    if (done) break;
    if (finished) continue;
    buffer += decoder.decode(value, {stream: true});
    let newline;
    while (!finished && (newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      if (!line.startsWith('data:')) continue;
      const payload = line.slice(5).trim();
      if (payload === '[DONE]') {
        finished = true;
      } else {
        onData(payload);
      }
    }
  }
}

async function sendChat() {
  const input = $('chat-input');
  const text = input.value.trim();
  if (!text || chat.abort) return;
  const errorBox = $('chat-error');
  showError(errorBox, '');
  chatMessage('user', text);
  chat.history.push({role: 'user', content: text});
  input.value = '';
  const reply = chatMessage('assistant', '');
  reply.node.setAttribute('data-streaming', 'true');
  chat.abort = new AbortController();
  $('chat-send').disabled = true;
  $('chat-stop').disabled = false;
  const started = performance.now();
  let firstToken = null, pieces = 0, answer = '';
  try {
    const res = await fetch('/v1/chat/completions', {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      signal: chat.abort.signal,
      body: JSON.stringify({
        model: $('pg-model').value,
        messages: chat.history,
        stream: true,
        max_tokens: Number($('chat-max-tokens').value) || 48,
        temperature: Number($('chat-temperature').value),
      }),
    });
    if (!res.ok) {
      let body = null;
      try { body = await res.json(); } catch (_) { /* not JSON */ }
      throw new Error(`${res.status} ${res.statusText}: ${errorMessage(body, 'no details')}`);
    }
    await readSse(res, payload => {
      const event = JSON.parse(payload);
      if (event.error) throw new Error(errorMessage(event, 'stream error'));
      const delta = event.choices && event.choices[0] && event.choices[0].delta;
      if (delta && delta.content) {
        if (firstToken === null) firstToken = performance.now() - started;
        answer += delta.content;
        reply.body.textContent = answer;
        ++pieces;
        $('chat-log').scrollTop = $('chat-log').scrollHeight;
      }
    });
    chat.history.push({role: 'assistant', content: answer});
  } catch (e) {
    if (e.name !== 'AbortError') showError(errorBox, e.message);
    chat.history.pop();  // keep the conversation to exchanges that completed
  } finally {
    const total = performance.now() - started;
    reply.node.removeAttribute('data-streaming');
    reply.node.append(el('span', {class: 'stats'},
      `${pieces} chunks, first token ${firstToken === null ? '–' : firstToken.toFixed(0) + ' ms'}, ` +
      `total ${total.toFixed(0)} ms`));
    chat.abort = null;
    $('chat-send').disabled = false;
    $('chat-stop').disabled = true;
  }
}

// ---------------------------------------------------------------- start

function start() {
  for (const b of document.querySelectorAll('#tabs button')) {
    b.addEventListener('click', () => selectTab(b.dataset.tab));
  }
  $('models-refresh').addEventListener('click', refreshModels);
  $('traffic-refresh').addEventListener('click', refreshTraffic);
  $('pg-model').addEventListener('change', showPlayground);
  $('pg-random').addEventListener('click', () => {
    const config = state.configs.get($('pg-model').value);
    if (config) $('pg-request').value = JSON.stringify(requestTemplate(config, 'random'), null, 2);
  });
  $('pg-zeros').addEventListener('click', () => {
    const config = state.configs.get($('pg-model').value);
    if (config) $('pg-request').value = JSON.stringify(requestTemplate(config, 'zero'), null, 2);
  });
  $('pg-send').addEventListener('click', sendInfer);
  $('chat-send').addEventListener('click', sendChat);
  $('chat-stop').addEventListener('click', () => chat.abort && chat.abort.abort());
  $('chat-clear').addEventListener('click', () => {
    chat.history = [];
    $('chat-log').replaceChildren();
  });
  $('chat-input').addEventListener('keydown', e => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      sendChat();
    }
  });
  selectTab(location.hash.slice(1));
  loadServer();
  refreshModels().then(pollStats);
  setInterval(pollStats, POLL_MS);
  // Model states and deployments change rarely: refresh them every 20 s
  // (deployments only while their tab is shown).
  setInterval(() => {
    refreshModels();
    if (!$('tab-traffic').hidden) refreshTraffic();
  }, 10 * POLL_MS);
  if ($('tab-traffic').hidden) refreshTraffic();  // selectTab loaded it when shown
}

document.addEventListener('DOMContentLoaded', start);
