#!/usr/bin/env node
// Runs the strato container of a rendered Helm release as a local process,
// the way the kubelet would start it: the ConfigMap-backed model repository
// is written to disk from the ConfigMap's items, $(VAR) references in args
// are expanded from the envFrom ConfigMap, and the probes' paths are polled.
// Then one inference request, then SIGTERM: the process must exit 0 (a
// drain) within terminationGracePeriodSeconds. Proves that the chart's flags
// and repository layout are ones the real server accepts.
//
// Usage: node run_rendered_pod.mjs RELEASE.yaml STRATO_BINARY MODEL
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseManifests } from './k8s_schema.mjs';

const [file, binary, model] = process.argv.slice(2);
if (!file || !binary || !model) {
  console.error('usage: run_rendered_pod.mjs RELEASE.yaml STRATO_BINARY MODEL');
  process.exit(2);
}
const objects = parseManifests(fs.readFileSync(file, 'utf8'));
const deployment = objects.find((o) => o.kind === 'Deployment');
const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o]));
const pod = deployment.spec.template.spec;
const container = pod.containers.find((c) => c.name === 'strato');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'strato-rendered-pod-'));

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exitCode = 1;
  throw new Error(message);
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Volumes: mount paths become folders under `work`.
const mountDir = new Map();
for (const m of container.volumeMounts ?? []) {
  const dir = path.join(work, m.name);
  fs.mkdirSync(dir, { recursive: true });
  mountDir.set(m.mountPath, dir);
  const volume = pod.volumes.find((v) => v.name === m.name);
  if (volume?.configMap) {
    const cm = configMaps.get(volume.configMap.name) ?? fail(`ConfigMap ${volume.configMap.name} missing`);
    for (const item of volume.configMap.items) {
      const target = path.join(dir, item.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, cm.data[item.key]);
    }
  }
}

// Environment from envFrom ConfigMaps and env values, then $(VAR) expansion.
const env = {};
for (const ef of container.envFrom ?? []) Object.assign(env, configMaps.get(ef.configMapRef.name).data);
for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
const expand = (s) => s.replace(/\$\((\w+)\)/g, (m, name) => (name in env ? env[name] : m));

const ports = { 8000: await freePort(), 8001: await freePort(), 8002: await freePort() };
const args = container.args.map(expand).map((a) => {
  const m = a.match(/^--(http|grpc|metrics)-port=(\d+)$/);
  if (m) return `--${m[1]}-port=${ports[m[2]]}`;
  for (const [mountPath, dir] of mountDir) {
    if (a.includes(`=${mountPath}`)) return a.replace(`=${mountPath}`, `=${dir}`);
  }
  return a;
});
const unexpanded = args.find((a) => /\$\(\w+\)/.test(a));
if (unexpanded) fail(`argument ${unexpanded} references a variable no ConfigMap defines`);
console.log(`strato ${args.join(' ')}`);

const child = spawn(binary, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
const base = `http://127.0.0.1:${ports[8000]}`;
const probePath = container.readinessProbe.httpGet.path;
try {
  let ready = false;
  for (let i = 0; i < 150 && !ready; ++i) {
    ready = await fetch(base + probePath).then((r) => r.status === 200, () => false);
    if (!ready) await new Promise((r) => setTimeout(r, 200));
  }
  if (!ready) fail(`readiness probe ${probePath} never answered 200`);
  const live = await fetch(base + container.livenessProbe.httpGet.path);
  if (live.status !== 200) fail(`liveness probe answered ${live.status}`);

  const body = { inputs: [{ name: 'INPUT0', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] };
  const res = await fetch(`${base}/v2/models/${model}/infer`, { method: 'POST', body: JSON.stringify(body) });
  const answer = await res.json();
  if (res.status !== 200) fail(`infer answered ${res.status}: ${JSON.stringify(answer)}`);
  if (JSON.stringify(answer.outputs?.[0]?.data) !== '[1,2,3,4]') fail(`wrong output ${JSON.stringify(answer)}`);
  console.log(`infer ${model} from the ConfigMap repository: ${JSON.stringify(answer.outputs[0].data)}`);

  const metrics = await fetch(`http://127.0.0.1:${ports[8002]}/metrics`).then((r) => r.text());
  if (!metrics.includes(`nv_inference_request_success{model="${model}"`)) fail('metrics port lacks the request counter');

  child.kill('SIGTERM');
  const grace = pod.terminationGracePeriodSeconds * 1000;
  let timer;
  const result = await Promise.race([exited, new Promise((r) => { timer = setTimeout(() => r(null), grace); })]);
  clearTimeout(timer);
  if (!result) fail(`still running ${pod.terminationGracePeriodSeconds}s after SIGTERM`);
  if (result.code !== 0) fail(`exit after SIGTERM: code ${result.code} signal ${result.signal}`);
  console.log('SIGTERM: drained and exited 0 within terminationGracePeriodSeconds');
} finally {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(work, { recursive: true, force: true });
}
