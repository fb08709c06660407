/**
 * Resource bodies: canonical form, type checks and attribute projection.
 *
 * `normalizeResource` turns a client's JSON (any attribute-name case, Azure AD's "True"/"False"
 * strings for booleans, a single object where an array is expected) into the canonical shape the
 * rest of the server reads: schema-cased names at the root for core attributes, one object per
 * extension URN, unknown attributes and read-only attributes dropped (RFC 7644 §3.3: the server
 * ignores read-only values it receives). Type mismatches are 400 invalidValue.
 *
 * `project` applies `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): attributes
 * whose `returned` is "always" are kept, "never" are dropped. Pure; O(size of the body).
 */
import { parseIsoDateTime } from "../strict-input";
import { invalidValue } from "./errors";
import { COMMON_ATTRIBUTES, findAttr, resolveAttr, splitAttrPath, type AttrDef, type ResourceSchema } from "./schema";

export type ScimObject = Record<string, unknown>;

export const isObject = (v: unknown): v is ScimObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** One simple value of an attribute, coerced to its type; undefined for null/absent. */
export function normalizeSimple(def: AttrDef, v: unknown, label: string): unknown {
  if (v === null || v === undefined) return undefined;
  switch (def.type) {
    case "boolean":
      if (typeof v === "boolean") return v;
      if (typeof v === "string" && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === "true";
      throw invalidValue(`"${label}" must be true or false.`);
    case "integer":
    case "decimal": {
      const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
      if (typeof n !== "number" || Number.isNaN(n) || (def.type === "integer" && !Number.isInteger(n))) throw invalidValue(`"${label}" must be ${def.type === "integer" ? "an integer" : "a number"}.`);
      return n;
    }
    case "dateTime":
      if (typeof v !== "string" || !parseIsoDateTime(v.trim())) throw invalidValue(`"${label}" must be an xsd:dateTime string (a real date, years 0001-9999).`);
      return v;
    case "complex":
      throw invalidValue(`"${label}" is complex: give an object.`);
    default:
      if (typeof v === "number") return String(v);
      if (typeof v !== "string") throw invalidValue(`"${label}" must be a string.`);
      return v;
  }
}

/** A complex value: canonical sub-attribute names, unknown and read-only sub-attributes dropped. */
export function normalizeComplex(def: AttrDef, v: unknown, label: string, keepReadOnly = false): ScimObject | undefined {
  if (v === null || v === undefined) return undefined;
  // A bare value for a complex attribute with a `value` sub-attribute (Azure AD sends manager this way).
  if ((typeof v === "string" || typeof v === "number") && def.subAttributes?.some((d) => d.name === "value")) v = { value: String(v) };
  if (!isObject(v)) throw invalidValue(`"${label}" must be an object.`);
  const out: ScimObject = {};
  for (const [k, x] of Object.entries(v)) {
    const sub = findAttr(def.subAttributes, k);
    if (!sub || (sub.mutability === "readOnly" && !keepReadOnly)) continue;
    const n = normalizeSimple(sub, x, `${label}.${sub.name}`);
    if (n !== undefined) out[sub.name] = n;
  }
  return out;
}

/** Any attribute value: arrays for multi-valued attributes (a single value is wrapped). */
export function normalizeValue(def: AttrDef, v: unknown, label: string, keepReadOnly = false): unknown {
  if (v === null || v === undefined) return undefined;
  if (def.multiValued) {
    const list = Array.isArray(v) ? v : [v];
    const out = list
      .map((x, i) => (def.type === "complex" ? normalizeComplex(def, x, `${label}[${i}]`, keepReadOnly) : normalizeSimple(def, x, `${label}[${i}]`)))
      .filter((x) => x !== undefined && !(isObject(x) && Object.keys(x).length === 0));
    return out;
  }
  if (Array.isArray(v)) throw invalidValue(`"${label}" is single-valued: give one value, not an array.`);
  return def.type === "complex" ? normalizeComplex(def, v, label, keepReadOnly) : normalizeSimple(def, v, label);
}

/** A client body → canonical resource (core at the root, extensions by URN). readOnly attributes are dropped. */
export function normalizeResource(rt: ResourceSchema, body: unknown): ScimObject {
  if (!isObject(body)) throw invalidValue("The body must be a JSON object.");
  const out: ScimObject = {};
  const coreAttrs = [...COMMON_ATTRIBUTES, ...rt.core.attributes];
  for (const [k, v] of Object.entries(body)) {
    if (k.toLowerCase() === "schemas") {
      if (!Array.isArray(v) || v.some((s) => typeof s !== "string")) throw invalidValue('"schemas" must be an array of schema URNs.');
      out.schemas = v;
      continue;
    }
    const ext = rt.extensions.find((e) => e.id.toLowerCase() === k.toLowerCase());
    if (ext) {
      if (v === null) continue;
      if (!isObject(v)) throw invalidValue(`"${ext.id}" must be an object.`);
      const eo: ScimObject = {};
      for (const [k2, v2] of Object.entries(v)) {
        const d = findAttr(ext.attributes, k2);
        if (!d || d.mutability === "readOnly") continue;
        const n = normalizeValue(d, v2, `${ext.id}:${d.name}`);
        if (n !== undefined) eo[d.name] = n;
      }
      out[ext.id] = eo;
      continue;
    }
    const d = findAttr(coreAttrs, k);
    if (!d || d.mutability === "readOnly") continue;
    const n = normalizeValue(d, v, d.name);
    if (n !== undefined) out[d.name] = n;
  }
  return out;
}

/** Comma-separated attribute list → resolved references (unknown names are ignored, RFC 7644 §3.9). */
function parseList(rt: ResourceSchema, list: string | null | undefined) {
  const out: Array<{ schema: string; root: boolean; attr?: string; sub?: string }> = [];
  for (const raw of (list ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const ext = rt.extensions.find((e) => e.id.toLowerCase() === raw.toLowerCase());
    if (ext) {
      out.push({ schema: ext.id, root: false });
      continue;
    }
    const ref = splitAttrPath(raw, rt);
    const r = ref && resolveAttr(rt, ref);
    if (r) out.push({ schema: r.schema, root: r.root, attr: r.attr.name, sub: r.sub?.name });
  }
  return out;
}

function alwaysReturned(rt: ResourceSchema, name: string): boolean {
  return name === "schemas" || findAttr([...COMMON_ATTRIBUTES, ...rt.core.attributes], name)?.returned === "always";
}

/**
 * Drop what the schema returns only on request (`returned: "request"`) unless `attributes` names it or
 * its parent attribute. O(attributes × values).
 */
function withoutUnrequested(rt: ResourceSchema, resource: ScimObject, incl: ReturnType<typeof parseList>): ScimObject {
  const asked = (schema: string, attr: string, sub?: string) => incl.some((i) => i.schema === schema && (!i.attr || (i.attr === attr && (!i.sub || i.sub === sub))));
  let out = resource;
  const copy = () => (out === resource ? (out = structuredClone(resource)) : out);
  for (const [schema, holderOf] of [[rt.core, (o: ScimObject) => o], ...rt.extensions.map((e) => [e, (o: ScimObject) => (isObject(o[e.id]) ? (o[e.id] as ScimObject) : undefined)] as const)] as const) {
    for (const d of schema.attributes) {
      const h = holderOf(out);
      if (!h || h[d.name] === undefined) continue;
      if (d.returned === "request" && !asked(schema.id, d.name)) {
        delete holderOf(copy())![d.name];
        continue;
      }
      for (const sd of d.subAttributes ?? []) {
        if (sd.returned !== "request" || asked(schema.id, d.name, sd.name)) continue;
        const v = holderOf(copy())![d.name];
        for (const el of Array.isArray(v) ? v : [v]) if (isObject(el)) delete el[sd.name];
      }
    }
  }
  return out;
}

/** Apply `attributes` (only these, plus "always") or else `excludedAttributes` to a full representation. */
export function project(rt: ResourceSchema, full: ScimObject, attributes?: string | null, excluded?: string | null): ScimObject {
  const incl = parseList(rt, attributes);
  const resource = withoutUnrequested(rt, full, incl);
  const extIds = rt.extensions.map((e) => e.id);
  if (attributes && attributes.trim()) {
    const out: ScimObject = {};
    for (const [k, v] of Object.entries(resource)) {
      if (alwaysReturned(rt, k)) out[k] = v;
    }
    for (const i of incl) {
      const src = i.root ? resource : (resource[i.schema] as ScimObject | undefined);
      if (!src) continue;
      const dst = i.root ? out : ((out[i.schema] as ScimObject | undefined) ?? (out[i.schema] = {}));
      if (!i.attr) {
        Object.assign(dst, src);
        continue;
      }
      const v = src[i.attr];
      if (v === undefined) continue;
      if (!i.sub) {
        dst[i.attr] = v;
      } else if (Array.isArray(v)) {
        const prev = (dst[i.attr] as ScimObject[] | undefined) ?? v.map(() => ({}));
        dst[i.attr] = v.map((el, j) => (isObject(el) && el[i.sub!] !== undefined ? { ...prev[j], [i.sub!]: el[i.sub!] } : prev[j]));
      } else if (isObject(v) && v[i.sub] !== undefined) {
        dst[i.attr] = { ...((dst[i.attr] as ScimObject | undefined) ?? {}), [i.sub]: v[i.sub] };
      }
    }
    for (const id of extIds) if (isObject(out[id]) && Object.keys(out[id] as ScimObject).length === 0) delete out[id];
    for (const [k, v] of Object.entries(out)) if (Array.isArray(v) && k !== "schemas") out[k] = v.filter((x) => !isObject(x) || Object.keys(x).length > 0);
    return out;
  }
  const exc = parseList(rt, excluded);
  if (exc.length === 0) return resource;
  const out: ScimObject = structuredClone(resource);
  for (const e of exc) {
    const holder = e.root ? out : (out[e.schema] as ScimObject | undefined);
    if (!holder) continue;
    if (!e.attr) {
      delete out[e.schema];
      continue;
    }
    if (e.root && alwaysReturned(rt, e.attr)) continue;
    if (!e.sub) delete holder[e.attr];
    else {
      const v = holder[e.attr];
      if (Array.isArray(v)) for (const el of v) if (isObject(el)) delete el[e.sub];
      if (isObject(v)) delete v[e.sub];
    }
  }
  return out;
}
