#!/usr/bin/env node
// Validates rendered Kubernetes manifests offline: every object against its
// schema (k8s_schema.mjs), then the references between objects that the API
// server cannot check one object at a time but that break a release:
// selectors that select nothing, named ports and volumes that do not exist,
// HPA targets that are not in the release.
//
// Usage: node validate_manifests.mjs [--crds FILE_OR_DIR]... FILE|-...
// Each FILE is one release (references are checked within it). Exit 0 when
// every object of every file is valid, 1 otherwise (each problem printed).
import fs from 'node:fs';
import path from 'node:path';
import { loadCrdValidators, parseManifests, validateCoreObject, validateCustomObject } from './k8s_schema.mjs';

function usage(code) {
  console.error('usage: validate_manifests.mjs [--crds FILE_OR_DIR]... FILE|-...');
  process.exit(code);
}

const args = process.argv.slice(2);
const crdFiles = [];
const inputs = [];
for (let i = 0; i < args.length; ++i) {
  if (args[i] === '--help' || args[i] === '-h') usage(0);
  else if (args[i] === '--crds') {
    const p = args[++i];
    if (!p) usage(2);
    if (fs.statSync(p).isDirectory()) {
      for (const f of fs.readdirSync(p)) if (/\.ya?ml$/.test(f)) crdFiles.push(path.join(p, f));
    } else {
      crdFiles.push(p);
    }
  } else inputs.push(args[i]);
}
if (inputs.length === 0) usage(2);

const crds = loadCrdValidators(crdFiles);
const nameOf = (o) => `${o.kind}/${o.metadata?.name ?? '?'}`;
let failed = false;
for (const input of inputs) {
  const problems = await validateRelease(fs.readFileSync(input === '-' ? 0 : input, 'utf8'));
  const label = input === '-' ? 'stdin' : input;
  if (problems.length) {
    failed = true;
    for (const p of problems) console.log(`INVALID ${label}: ${p}`);
    console.log(`${label}: ${problems.length} problem(s)`);
  }
}
process.exit(failed ? 1 : 0);

async function validateRelease(text) {
  let objects;
  try {
    objects = parseManifests(text);
  } catch (e) {
    return [e.message];
  }
  const problems = [];

  // ---- one object at a time ---------------------------------------------------
  for (const obj of objects) {
    if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
      problems.push(`${nameOf(obj)}: apiVersion and kind must be strings`);
      continue;
    }
    let errors = await validateCoreObject(obj);
    if (errors === null) errors = validateCustomObject(obj, crds);
    if (errors === null) {
      problems.push(`${nameOf(obj)}: no schema for ${obj.apiVersion} ${obj.kind} (pass its CRD with --crds)`);
      continue;
    }
    for (const e of errors) problems.push(`${nameOf(obj)}: ${e}`);
  }

  // ---- references between objects ----------------------------------------------
  const matches = (selector, labels) =>
    selector && Object.keys(selector).length > 0 &&
    Object.entries(selector).every(([k, v]) => labels?.[k] === v);

  const workloads = objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind));
  const podLabelsOf = (w) => w.spec?.template?.metadata?.labels ?? {};
  const containersOf = (w) => [...(w.spec?.template?.spec?.containers ?? []),
                               ...(w.spec?.template?.spec?.initContainers ?? [])];
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o]));

  for (const w of workloads) {
    const sel = w.spec?.selector?.matchLabels ?? {};
    if (!matches(sel, podLabelsOf(w))) {
      problems.push(`${nameOf(w)}: spec.selector.matchLabels ${JSON.stringify(sel)} does not match the pod template's labels`);
    }
    const pod = w.spec?.template?.spec ?? {};
    const volumes = new Set((pod.volumes ?? []).map((v) => v.name));
    for (const c of containersOf(w)) {
      const ports = new Set((c.ports ?? []).map((p) => p.name).filter(Boolean));
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        const port = c[probe]?.httpGet?.port ?? c[probe]?.tcpSocket?.port;
        if (typeof port === 'string' && !ports.has(port)) {
          problems.push(`${nameOf(w)}: container ${c.name} ${probe} uses port "${port}" that the container does not name`);
        }
      }
      for (const m of c.volumeMounts ?? []) {
        if (!volumes.has(m.name)) problems.push(`${nameOf(w)}: container ${c.name} mounts unknown volume "${m.name}"`);
      }
      for (const ef of c.envFrom ?? []) {
        const n = ef.configMapRef?.name;
        if (n && !ef.configMapRef.optional && !configMaps.has(n)) {
          problems.push(`${nameOf(w)}: container ${c.name} reads ConfigMap "${n}" that the release does not contain`);
        }
      }
    }
    for (const v of pod.volumes ?? []) {
      const cm = v.configMap && configMaps.get(v.configMap.name);
      if (v.configMap && !cm) problems.push(`${nameOf(w)}: volume ${v.name} uses missing ConfigMap "${v.configMap.name}"`);
      for (const item of (cm && v.configMap.items) || []) {
        if (!(item.key in (cm.data ?? {}))) problems.push(`${nameOf(w)}: volume ${v.name} maps key "${item.key}" that ConfigMap ${v.configMap.name} lacks`);
      }
    }
    for (const t of pod.topologySpreadConstraints ?? []) {
      if (!matches(t.labelSelector?.matchLabels, podLabelsOf(w))) {
        problems.push(`${nameOf(w)}: topologySpreadConstraint on ${t.topologyKey} selects other pods than its own`);
      }
    }
    const preStop = containersOf(w).map((c) => c.lifecycle?.preStop?.sleep?.seconds ?? 0);
    const grace = pod.terminationGracePeriodSeconds ?? 30;
    if (Math.max(0, ...preStop) >= grace) {
      problems.push(`${nameOf(w)}: preStop sleep ${Math.max(...preStop)}s leaves no time to drain within terminationGracePeriodSeconds ${grace}`);
    }
  }

  for (const svc of objects.filter((o) => o.kind === 'Service')) {
    const target = workloads.find((w) => matches(svc.spec?.selector, podLabelsOf(w)));
    if (!target) {
      problems.push(`${nameOf(svc)}: selector ${JSON.stringify(svc.spec?.selector)} selects no pods of this release`);
      continue;
    }
    const names = new Set(containersOf(target).flatMap((c) => (c.ports ?? []).map((p) => p.name)));
    for (const p of svc.spec.ports ?? []) {
      if (typeof p.targetPort === 'string' && !names.has(p.targetPort)) {
        problems.push(`${nameOf(svc)}: port ${p.name} targets "${p.targetPort}", which no container of ${nameOf(target)} names`);
      }
    }
  }

  for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
    if (!workloads.some((w) => matches(pdb.spec?.selector?.matchLabels, podLabelsOf(w)))) {
      problems.push(`${nameOf(pdb)}: selector selects no pods of this release`);
    }
  }

  for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const ref = hpa.spec?.scaleTargetRef ?? {};
    if (!workloads.some((w) => w.kind === ref.kind && w.metadata.name === ref.name)) {
      problems.push(`${nameOf(hpa)}: scaleTargetRef ${ref.kind}/${ref.name} is not in this release`);
    }
    if ((hpa.spec?.minReplicas ?? 1) > hpa.spec?.maxReplicas) {
      problems.push(`${nameOf(hpa)}: minReplicas ${hpa.spec.minReplicas} > maxReplicas ${hpa.spec.maxReplicas}`);
    }
  }

  for (const sm of objects.filter((o) => o.kind === 'ServiceMonitor')) {
    const svc = objects.find((o) => o.kind === 'Service' && matches(sm.spec?.selector?.matchLabels, o.metadata?.labels));
    if (!svc) {
      problems.push(`${nameOf(sm)}: selector matches no Service of this release`);
      continue;
    }
    const ports = new Set((svc.spec.ports ?? []).map((p) => p.name));
    for (const ep of sm.spec.endpoints ?? []) {
      if (ep.port && !ports.has(ep.port)) problems.push(`${nameOf(sm)}: endpoint port "${ep.port}" is not a port of ${nameOf(svc)}`);
    }
  }

  if (problems.length === 0) console.log(`valid: ${objects.length} object(s): ${objects.map(nameOf).join(', ')}`);
  return problems;
}
