// Kubernetes schema checks for rendered manifests, offline:
//  - core kinds: the `kubernetes-models` package's compiled OpenAPI
//    validators (types, required fields, enums, formats), plus an
//    unknown-field walk over the package's type declarations (the compiled
//    validators accept extra keys; the API server with
//    --validate=strict / fieldValidation=Strict does not);
//  - custom resources: ajv against the CRD's openAPIV3Schema, with
//    additionalProperties:false added wherever properties are listed (what
//    the API server's structural pruning + strict validation enforces).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import YAML from 'yaml';

const require = createRequire(import.meta.url);
const modelsRoot = path.dirname(require.resolve('kubernetes-models/package.json'));
const apimachineryRoot = path.dirname(require.resolve('@kubernetes-models/apimachinery/package.json'));

// "apps/v1" -> kubernetes-models/apps/v1, "v1" -> kubernetes-models/v1.
function modelDir(apiVersion) {
  return path.join(modelsRoot, ...apiVersion.split('/'));
}

export async function loadCoreModel(apiVersion, kind) {
  const file = path.join(modelDir(apiVersion), `${kind}.mjs`);
  if (!fs.existsSync(file)) return null;
  const mod = await import(file);
  return mod[kind] ?? null;
}

// ---- unknown-field walk over the .d.ts interfaces -------------------------

const interfaceCache = new Map();

function resolveImport(fromFile, spec) {
  if (spec.startsWith('@kubernetes-models/apimachinery/')) {
    return path.join(apimachineryRoot, spec.slice('@kubernetes-models/apimachinery/'.length)) + '.d.ts';
  }
  return path.resolve(path.dirname(fromFile), spec) + '.d.ts';
}

// Splits `text` on `sep` where not nested in {} <> () [].
function splitTopLevel(text, sep) {
  const parts = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if ('{<(['.includes(c)) depth++;
    else if ('}>)]'.includes(c)) depth--;
    else if (c === sep && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

// Returns {props: Map(name -> type)} for the first interface in a .d.ts, or
// null when the file declares only a type alias (a leaf such as Quantity).
function loadInterface(file) {
  if (interfaceCache.has(file)) return interfaceCache.get(file);
  let result = null;
  if (fs.existsSync(file)) {
    const text = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    const imports = new Map();
    for (const m of text.matchAll(/import \{ (\w+) \} from "([^"]+)";/g)) {
      imports.set(m[1], resolveImport(file, m[2]));
    }
    const head = text.match(/export interface \w+(?: extends [\w, ]+)? \{/);
    if (head) {
      let depth = 0;
      let end = head.index + head[0].length - 1;
      for (; end < text.length; ++end) {
        if (text[end] === '{') depth++;
        else if (text[end] === '}' && --depth === 0) break;
      }
      const body = text.slice(head.index + head[0].length, end);
      const props = new Map();
      for (const member of splitTopLevel(body, ';')) {
        const m = member.match(/^"([^"]+)"\??:\s*([\s\S]+)$/);
        if (m) props.set(m[1], { type: m[2].replace(/\s+/g, ' ').trim(), imports });
      }
      result = { props };
    }
  }
  interfaceCache.set(file, result);
  return result;
}

function checkUnknown(value, type, imports, where, errors) {
  if (value === null || value === undefined) return;
  let m = type.match(/^Array<(\w+)>$/);
  if (m) {
    if (Array.isArray(value)) value.forEach((v, i) => checkUnknown(v, m[1], imports, `${where}[${i}]`, errors));
    return;
  }
  m = type.match(/^\{ \[key: string\]: (\w+);? \}$/);
  if (m) {
    if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) checkUnknown(v, m[1], imports, `${where}.${k}`, errors);
    }
    return;
  }
  if (!imports.has(type)) return; // a primitive, a union of literals, or a leaf alias
  checkObject(value, imports.get(type), where, errors);
}

function checkObject(value, dtsFile, where, errors) {
  const iface = loadInterface(dtsFile);
  if (!iface || typeof value !== 'object' || Array.isArray(value)) return;
  for (const [key, v] of Object.entries(value)) {
    const prop = iface.props.get(key);
    if (!prop) {
      errors.push(`${where || '.'}: unknown field "${key}"`);
      continue;
    }
    checkUnknown(v, prop.type, prop.imports, `${where}.${key}`, errors);
  }
}

// Errors (strings) for one core object; null when kubernetes-models does not
// know the kind.
export async function validateCoreObject(obj) {
  const Model = await loadCoreModel(obj.apiVersion, obj.kind);
  if (!Model) return null;
  const errors = [];
  try {
    new Model(obj).validate();
  } catch (e) {
    for (const d of e.details ?? [{ instancePath: '', message: e.message }]) {
      errors.push(`${d.instancePath || '.'}: ${d.message}${d.params ? ' ' + JSON.stringify(d.params) : ''}`);
    }
  }
  checkObject(obj, path.join(modelDir(obj.apiVersion), `${obj.kind}.d.ts`), '', errors);
  return errors;
}

// ---- custom resources ------------------------------------------------------

// Adds additionalProperties:false wherever a schema lists properties and does
// not say otherwise or preserve unknown fields.
function closeSchema(schema) {
  if (!schema || typeof schema !== 'object') return schema;
  if (Array.isArray(schema)) return schema.map(closeSchema);
  const out = {};
  for (const [k, v] of Object.entries(schema)) out[k] = closeSchema(v);
  if (out.properties && out.additionalProperties === undefined &&
      !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

// Every top-level object has apiVersion/kind/metadata beside spec; CRD
// schemas describe metadata only loosely.
function wrapTopLevel(schema) {
  const s = structuredClone(schema);
  s.properties = { ...(s.properties ?? {}), apiVersion: { type: 'string' }, kind: { type: 'string' },
                   metadata: { type: 'object' } };
  return s;
}

// Reads the CRDs now, compiles a version's schema on first use (the
// InferenceService schema alone takes seconds to compile).
export function loadCrdValidators(crdFiles) {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const schemas = new Map(); // "group/version Kind" -> openAPIV3Schema
  for (const file of crdFiles) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const crd = doc.toJS();
      if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions) {
        const schema = v.schema?.openAPIV3Schema;
        if (schema) schemas.set(`${crd.spec.group}/${v.name} ${crd.spec.names.kind}`, schema);
      }
    }
  }
  const compiled = new Map();
  return {
    get(key) {
      if (!compiled.has(key) && schemas.has(key)) {
        compiled.set(key, ajv.compile(closeSchema(wrapTopLevel(schemas.get(key)))));
      }
      return compiled.get(key);
    },
  };
}

export function validateCustomObject(obj, validators) {
  const validate = validators.get(`${obj.apiVersion} ${obj.kind}`);
  if (!validate) return null;
  if (validate(obj)) return [];
  return validate.errors.map((e) => `${e.instancePath || '.'}: ${e.message}` +
    (e.params?.additionalProperty ? ` "${e.params.additionalProperty}"` : ''));
}

export function parseManifests(text) {
  return YAML.parseAllDocuments(text).map((d) => {
    if (d.errors.length) throw new Error(`YAML: ${d.errors[0].message}`);
    return d.toJS();
  }).filter((o) => o && typeof o === 'object');
}
