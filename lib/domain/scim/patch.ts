/**
 * SCIM PATCH (RFC 7644 §3.5.2) over a plain resource object.
 *
 * Input: the current full representation (canonical, as GET returns it), the PatchOp body and the
 * resource type. Output: a new object with every operation applied in order, or a ScimError (and
 * the input untouched: the engine works on a copy, so a failing request changes nothing).
 *
 * Semantics:
 * - add: no path → each key of the value object is added; multi-valued attributes append (exact
 *   duplicates are not added twice), complex attributes merge sub-attributes, simple ones are set.
 * - replace: no path → each key replaced; a multi-valued attribute without filter is replaced whole;
 *   a complex single-valued attribute merges the given sub-attributes (RFC: "sub-attributes that are
 *   not specified are left unchanged"); a path that does not exist yet behaves as add.
 * - remove: path required (else noTarget); with a value filter removes the matching values (none
 *   match → noTarget); removing a required or read-only attribute → mutability.
 * - `attr[filter].sub` targets sub-attributes of matching values. Compatibility with Azure AD and
 *   Okta: op names are case-insensitive ("Replace"), booleans may arrive as "True"/"False", keys of a
 *   path-less value may themselves be paths ("name.givenName", "urn:…:enterprise:2.0:User:department"),
 *   and add/replace on `emails[type eq "work"].value` with no matching value creates that value
 *   (RFC would answer noTarget; every major IdP relies on this).
 * - At most one value of a multi-valued attribute stays `primary: true` (the one last written).
 * O(operations × values).
 */
import { invalidPath, invalidSyntax, invalidValue, mutability, noTarget } from "./errors";
import { compileValueFilter, elementMatches, type FilterNode } from "./filter";
import { isObject, normalizeSimple, normalizeValue, type ScimObject } from "./resource";
import { containerOf, resolveAttr, splitAttrPath, URN, type AttrDef, type Resolved, type ResourceSchema } from "./schema";

export type PatchOperation = { op: "add" | "remove" | "replace"; path?: string; value?: unknown };

/** Validate a PatchOp request body (RFC 7644 §3.5.2). An empty Operations list is accepted as a no-op. */
export function parsePatchBody(body: unknown): PatchOperation[] {
  if (!isObject(body)) throw invalidSyntax("The PATCH body must be a JSON object.");
  const schemasKey = Object.keys(body).find((k) => k.toLowerCase() === "schemas");
  const schemas = schemasKey ? body[schemasKey] : undefined;
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === "string" && s.toLowerCase() === URN.patchOp.toLowerCase())) {
    throw invalidSyntax(`"schemas" must contain "${URN.patchOp}".`);
  }
  const opsKey = Object.keys(body).find((k) => k.toLowerCase() === "operations");
  const ops = opsKey ? body[opsKey] : undefined;
  if (!Array.isArray(ops)) throw invalidSyntax('"Operations" must be an array of operations.');
  return ops.map((o, i) => {
    if (!isObject(o)) throw invalidSyntax(`Operation ${i + 1} must be an object.`);
    const get = (n: string) => o[Object.keys(o).find((k) => k.toLowerCase() === n) ?? n];
    const op = get("op");
    if (typeof op !== "string" || !["add", "remove", "replace"].includes(op.toLowerCase())) throw invalidSyntax(`Operation ${i + 1}: "op" must be add, remove or replace.`);
    const path = get("path");
    if (path !== undefined && path !== null && typeof path !== "string") throw invalidPath(`Operation ${i + 1}: "path" must be a string.`);
    return { op: op.toLowerCase() as PatchOperation["op"], path: typeof path === "string" && path.trim() ? path.trim() : undefined, value: get("value") };
  });
}

type Target = { kind: "ext"; schema: string } | { kind: "attr"; r: Resolved; filter?: FilterNode };

/** Parse a PATCH path: attrPath | attrPath[valFilter] [.subAttr] | an extension URN. */
export function parsePatchPath(path: string, rt: ResourceSchema): Target {
  const ext = rt.extensions.find((e) => e.id.toLowerCase() === path.toLowerCase());
  if (ext) return { kind: "ext", schema: ext.id };
  const open = path.indexOf("[");
  if (open < 0) {
    const ref = splitAttrPath(path, rt);
    const r = ref && resolveAttr(rt, ref);
    if (!r) throw invalidPath(`"${path}" is not an attribute of ${rt.name}.`);
    return { kind: "attr", r };
  }
  let close = -1;
  for (let i = open + 1, inStr = false; i < path.length; i++) {
    if (inStr) {
      if (path[i] === "\\") i++;
      else if (path[i] === '"') inStr = false;
    } else if (path[i] === '"') inStr = true;
    else if (path[i] === "]") {
      close = i;
      break;
    }
  }
  if (close < 0) throw invalidPath(`"${path}": missing "]".`);
  const rest = path.slice(close + 1);
  if (rest && !/^\.[A-Za-z$][\w$-]*$/.test(rest)) throw invalidPath(`"${path}": only ".subAttribute" may follow "]".`);
  const ref = splitAttrPath(path.slice(0, open), rt);
  if (!ref || ref.sub) throw invalidPath(`"${path}" is not a valid attribute path.`);
  const base = resolveAttr(rt, ref);
  if (!base) throw invalidPath(`"${path.slice(0, open)}" is not an attribute of ${rt.name}.`);
  if (base.attr.type !== "complex" || !base.attr.multiValued) throw invalidPath(`"${base.attr.name}" is not a multi-valued complex attribute: it cannot take a value filter.`);
  const filter = compileValueFilter(path.slice(open + 1, close), rt, base);
  let r: Resolved = base;
  if (rest) {
    const sub = base.attr.subAttributes?.find((d) => d.name.toLowerCase() === rest.slice(1).toLowerCase());
    if (!sub) throw invalidPath(`"${rest.slice(1)}" is not a sub-attribute of "${base.attr.name}".`);
    r = { ...base, sub };
  }
  return { kind: "attr", r, filter };
}

const deepEqual = (a: unknown, b: unknown): boolean => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return typeof v === "string" ? v : v;
}

const labelOf = (r: Resolved) => `${r.root ? "" : r.schema + ":"}${r.attr.name}${r.sub ? "." + r.sub.name : ""}`;

/** The container's key for an attribute, normalising its case to the schema's. */
function keyIn(c: ScimObject, name: string): string {
  const k = Object.keys(c).find((x) => x.toLowerCase() === name.toLowerCase());
  if (k && k !== name) {
    c[name] = c[k];
    delete c[k];
  }
  return name;
}

/** Equality pairs of a filter made only of `sub eq literal` joined by `and` (to create a missing value). */
function eqPairs(f: FilterNode): Record<string, unknown> | null {
  if (f.kind === "cmp" && f.op === "eq" && f.value !== null && f.resolved?.sub) return { [f.resolved.sub.name]: f.value };
  if (f.kind === "and") {
    const l = eqPairs(f.left), r = eqPairs(f.right);
    return l && r ? { ...l, ...r } : null;
  }
  return null;
}

function onePrimary(list: unknown[], touched: Set<unknown>) {
  const primaries = list.filter((x) => isObject(x) && x.primary === true);
  if (primaries.length <= 1) return;
  const keep = [...primaries].reverse().find((x) => touched.has(x)) ?? primaries[primaries.length - 1];
  for (const x of primaries) if (x !== keep) (x as ScimObject).primary = false;
}

function applyAt(res: ScimObject, op: PatchOperation["op"], t: Extract<Target, { kind: "attr" }>, raw: unknown) {
  const { r, filter } = t;
  const label = labelOf(r);
  if (r.attr.mutability === "readOnly" || r.sub?.mutability === "readOnly") throw mutability(`"${label}" is read-only.`);
  if (op !== "remove" && raw === undefined) throw invalidValue(`"${op}" on "${label}" needs a value.`);
  const removing = op === "remove" || raw === null;
  const c = containerOf(res, r, !removing);
  if (!c) {
    if (removing) return;
    throw invalidPath(`"${label}" cannot be set.`);
  }
  const key = keyIn(c, r.attr.name);
  const touched = new Set<unknown>();

  if (!filter && !r.sub) {
    if (removing) {
      if (r.attr.required) throw mutability(`"${label}" is required and cannot be removed.`);
      if (r.attr.multiValued && raw !== undefined && raw !== null && Array.isArray(c[key])) {
        // Remove the listed values only (Azure AD sends `remove members` with a value list).
        const gone = (Array.isArray(raw) ? raw : [raw]).map((x) => (isObject(x) ? x.value : x));
        c[key] = (c[key] as unknown[]).filter((el) => !gone.some((g) => deepEqual(isObject(el) ? el.value : el, g)));
        if ((c[key] as unknown[]).length === 0) delete c[key];
      } else delete c[key];
      return;
    }
    const v = normalizeValue(r.attr, raw, label);
    if (r.attr.multiValued) {
      const items = v as unknown[];
      const cur = op === "add" && Array.isArray(c[key]) ? (c[key] as unknown[]) : [];
      const next = [...cur];
      for (const it of items) {
        touched.add(it);
        if (!next.some((x) => deepEqual(x, it))) next.push(it);
      }
      onePrimary(next, touched);
      c[key] = next;
    } else if (r.attr.type === "complex") {
      c[key] = { ...(isObject(c[key]) ? (c[key] as ScimObject) : {}), ...(v as ScimObject) };
    } else c[key] = v;
    return;
  }

  if (!filter && r.sub) {
    const sub = r.sub;
    const setOn = (el: ScimObject) => {
      if (removing) delete el[sub.name];
      else el[sub.name] = normalizeSimple(sub, raw, label);
    };
    if (r.attr.multiValued) {
      const list = Array.isArray(c[key]) ? (c[key] as ScimObject[]) : [];
      if (list.length === 0 && !removing) list.push({});
      list.forEach(setOn);
      c[key] = list;
    } else {
      const obj = isObject(c[key]) ? (c[key] as ScimObject) : {};
      setOn(obj);
      if (Object.keys(obj).length) c[key] = obj;
      else delete c[key];
    }
    return;
  }

  // A value filter: attr[filter] or attr[filter].sub
  const list = Array.isArray(c[key]) ? (c[key] as ScimObject[]) : [];
  const hits = list.filter((el) => elementMatches(filter!, el));
  if (hits.length === 0) {
    const pairs = op === "remove" ? null : eqPairs(filter!);
    if (!pairs || removing) throw noTarget(`No value of "${r.attr.name}" matches the filter in "${label}".`);
    const created = r.sub ? { ...pairs, [r.sub.name]: normalizeSimple(r.sub, raw, label) } : { ...pairs, ...(normalizeValue({ ...r.attr, multiValued: false }, raw, label) as ScimObject) };
    touched.add(created);
    list.push(created);
  } else if (removing) {
    if (r.sub) for (const el of hits) delete el[r.sub.name];
    else c[key] = list.filter((el) => !hits.includes(el));
    if (Array.isArray(c[key]) && (c[key] as unknown[]).length === 0) delete c[key];
    return;
  } else if (r.sub) {
    for (const el of hits) {
      el[r.sub.name] = normalizeSimple(r.sub, raw, label);
      touched.add(el);
    }
  } else {
    const v = normalizeValue({ ...r.attr, multiValued: false }, raw, label) as ScimObject;
    for (let i = 0; i < list.length; i++) {
      if (!hits.includes(list[i])) continue;
      list[i] = op === "add" ? { ...list[i], ...v } : { ...v };
      touched.add(list[i]);
    }
  }
  onePrimary(list, touched);
  c[key] = list;
}

function applyOne(res: ScimObject, o: PatchOperation, rt: ResourceSchema) {
  if (!o.path) {
    if (o.op === "remove") throw noTarget('"remove" needs a "path".');
    if (!isObject(o.value)) throw invalidValue(`"${o.op}" without a path needs an object value.`);
    for (const [k, v] of Object.entries(o.value)) {
      const lk = k.toLowerCase();
      if (lk === "schemas" || lk === "id" || lk === "meta") continue;
      const ext = rt.extensions.find((e) => e.id.toLowerCase() === lk);
      if (ext) {
        if (v === null) {
          const key = Object.keys(res).find((x) => x.toLowerCase() === lk);
          if (o.op === "replace" && key) delete res[key];
          continue;
        }
        if (!isObject(v)) throw invalidValue(`"${ext.id}" must be an object.`);
        for (const [k2, v2] of Object.entries(v)) {
          const t = tryPath(`${ext.id}:${k2}`, rt);
          if (t) applyAt(res, o.op, t, v2);
        }
        continue;
      }
      const t = tryPath(k, rt);
      if (t) applyAt(res, o.op, t, v);
    }
    return;
  }
  const t = parsePatchPath(o.path, rt);
  if (t.kind === "ext") {
    const key = Object.keys(res).find((x) => x.toLowerCase() === t.schema.toLowerCase());
    if (o.op === "remove" || o.value === null) {
      if (key) delete res[key];
      return;
    }
    if (!isObject(o.value)) throw invalidValue(`"${t.schema}" must be an object.`);
    if (o.op === "replace" && key) delete res[key];
    for (const [k2, v2] of Object.entries(o.value)) {
      const sub = tryPath(`${t.schema}:${k2}`, rt);
      if (sub) applyAt(res, o.op, sub, v2);
    }
    return;
  }
  applyAt(res, o.op, t, o.value);
}

/** Keys of a path-less value that name no attribute are ignored, as in a PUT body. */
function tryPath(p: string, rt: ResourceSchema): Extract<Target, { kind: "attr" }> | null {
  const ref = splitAttrPath(p, rt);
  const r = ref && resolveAttr(rt, ref);
  return r ? { kind: "attr", r } : null;
}

/** Apply operations to a copy of `resource`; throws a ScimError and leaves `resource` untouched on failure. */
export function applyPatch(resource: ScimObject, ops: PatchOperation[], rt: ResourceSchema): ScimObject {
  const res = structuredClone(resource);
  for (const o of ops) applyOne(res, o, rt);
  return res;
}

export type { AttrDef };
