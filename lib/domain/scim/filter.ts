/**
 * SCIM filters (RFC 7644 §3.4.2.2): text → AST → in-memory predicate.
 *
 * Input: a filter such as `userName sw "j" and (emails[type eq "work" and value co "@x.test"] or not (active eq false))`
 * and the resource type it applies to. Output: a compiled AST whose attribute references are
 * resolved against the schema (case-insensitive names, URN-qualified or not), or a ScimError
 * 400 `invalidFilter` for bad syntax, unknown attributes and operator/type combinations the RFC
 * does not define (ordering on booleans, `co` on dates, complex attributes without a sub-attribute).
 *
 * Grammar (RFC 7644 Figure 1): precedence not > and > or; `not` needs parentheses; valuePath
 * `attr[filter]` filters the values of a complex attribute (no nesting). Literals: JSON strings
 * (with escapes), numbers, true, false, null.
 *
 * Semantics: a multi-valued attribute matches if ANY value matches; a complex multi-valued
 * attribute without a sub-attribute means its `value`; strings compare case-insensitively unless
 * the attribute is caseExact; dateTimes compare chronologically; `ne x` = not (eq x), so an absent
 * attribute is `ne` anything; `eq null` = absent; `pr` = has a non-empty value.
 * Parsing is O(n) in the filter length; evaluation O(nodes × values). Nesting depth is capped.
 */
import { parseIsoDateTime } from "../strict-input";
import { invalidFilter, ScimError } from "./errors";
import { containerOf, resolveAttr, splitAttrPath, type AttrDef, type AttrRef, type Resolved, type ResourceSchema } from "./schema";

export type Literal = string | number | boolean | null;
export type CompareOp = "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "ge" | "lt" | "le";
export const COMPARE_OPS: CompareOp[] = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"];

export type FilterNode =
  | { kind: "and" | "or"; left: FilterNode; right: FilterNode }
  | { kind: "not"; expr: FilterNode }
  | { kind: "pr"; ref: AttrRef; resolved?: Resolved }
  | { kind: "cmp"; op: CompareOp; ref: AttrRef; value: Literal; resolved?: Resolved }
  | { kind: "valuePath"; ref: AttrRef; filter: FilterNode; resolved?: Resolved };

type Tok =
  | { t: "(" | ")" | "[" | "]"; pos: number }
  | { t: "str"; v: string; pos: number }
  | { t: "num"; v: number; pos: number }
  | { t: "word"; v: string; pos: number };

export const MAX_FILTER_LENGTH = 10_000;
const MAX_DEPTH = 64;

export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
    } else if (c === "(" || c === ")" || c === "[" || c === "]") {
      out.push({ t: c, pos: i });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === "\\" ? 2 : 1;
      if (j >= src.length) throw invalidFilter(`Unterminated string starting at position ${i + 1}.`);
      let v: unknown;
      try {
        v = JSON.parse(src.slice(i, j + 1));
      } catch {
        throw invalidFilter(`Invalid escape in the string starting at position ${i + 1}.`);
      }
      out.push({ t: "str", v: v as string, pos: i });
      i = j + 1;
    } else if (/[0-9-]/.test(c) && /^-?\d/.test(src.slice(i, i + 2))) {
      const m = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(src.slice(i))!;
      out.push({ t: "num", v: Number(m[0]), pos: i });
      i += m[0].length;
    } else {
      const m = /^[A-Za-z0-9_$:.\-]+/.exec(src.slice(i));
      if (!m) throw invalidFilter(`Unexpected character "${c}" at position ${i + 1}.`);
      out.push({ t: "word", v: m[0], pos: i });
      i += m[0].length;
    }
  }
  return out;
}

const isWord = (tok: Tok | undefined, w: string) => tok?.t === "word" && tok.v.toLowerCase() === w;

/** Parse filter text into an AST with unresolved attribute references. */
export function parseFilter(src: string): FilterNode {
  if (typeof src !== "string" || !src.trim()) throw invalidFilter("The filter is empty.");
  if (src.length > MAX_FILTER_LENGTH) throw invalidFilter(`The filter is longer than ${MAX_FILTER_LENGTH} characters.`);
  const toks = tokenize(src);
  let p = 0;
  const where = () => (toks[p] ? `at position ${toks[p].pos + 1}` : "at the end of the filter");

  const orExpr = (depth: number, inValuePath: boolean): FilterNode => {
    let left = andExpr(depth, inValuePath);
    while (isWord(toks[p], "or")) {
      p++;
      left = { kind: "or", left, right: andExpr(depth, inValuePath) };
    }
    return left;
  };
  const andExpr = (depth: number, inValuePath: boolean): FilterNode => {
    let left = unary(depth, inValuePath);
    while (isWord(toks[p], "and")) {
      p++;
      left = { kind: "and", left, right: unary(depth, inValuePath) };
    }
    return left;
  };
  const paren = (depth: number, inValuePath: boolean): FilterNode => {
    if (depth > MAX_DEPTH) throw invalidFilter("The filter is nested too deeply.");
    if (toks[p]?.t !== "(") throw invalidFilter(`Expected "(" ${where()}.`);
    p++;
    const e = orExpr(depth + 1, inValuePath);
    if (toks[p]?.t !== ")") throw invalidFilter(`Expected ")" ${where()}.`);
    p++;
    return e;
  };
  const unary = (depth: number, inValuePath: boolean): FilterNode => {
    const tok = toks[p];
    if (isWord(tok, "not") && toks[p + 1]?.t === "(") {
      p++;
      return { kind: "not", expr: paren(depth, inValuePath) };
    }
    if (tok?.t === "(") return paren(depth, inValuePath);
    return attrExp(depth, inValuePath);
  };
  const attrExp = (depth: number, inValuePath: boolean): FilterNode => {
    const tok = toks[p];
    if (tok?.t !== "word") throw invalidFilter(`Expected an attribute name ${where()}.`);
    if (["and", "or", "not"].includes(tok.v.toLowerCase())) throw invalidFilter(`Expected an attribute name ${where()}, found "${tok.v}".`);
    const ref = splitAttrPath(tok.v);
    if (!ref) throw invalidFilter(`"${tok.v}" is not an attribute path.`);
    p++;
    if (toks[p]?.t === "[") {
      if (inValuePath) throw invalidFilter(`Value filters cannot be nested ${where()}.`);
      p++;
      const inner = orExpr(depth + 1, true);
      if (toks[p]?.t !== "]") throw invalidFilter(`Expected "]" ${where()}.`);
      p++;
      // Entra ID's form `emails[type eq "work"].value eq "x"`: a sub-attribute comparison after the value
      // filter means "some value matches the filter AND its sub-attribute matches the comparison".
      const next = toks[p];
      if (next?.t === "word" && /^\.[A-Za-z$][\w$-]*$/.test(next.v) && next.pos === toks[p - 1].pos + 1) {
        p++;
        const sub: AttrRef = { attr: next.v.slice(1) };
        const opTok = toks[p];
        if (opTok?.t !== "word") throw invalidFilter(`Expected an operator after "${next.v}" ${where()}.`);
        p++;
        return { kind: "valuePath", ref, filter: { kind: "and", left: inner, right: comparison(sub, opTok) } };
      }
      return { kind: "valuePath", ref, filter: inner };
    }
    const opTok = toks[p];
    if (opTok?.t !== "word") throw invalidFilter(`Expected an operator after "${tok.v}" ${where()}.`);
    p++;
    return comparison(ref, opTok);
  };
  /** `op value` (or `pr`) after an attribute path; the operator token has been consumed. */
  const comparison = (ref: AttrRef, opTok: Extract<Tok, { t: "word" }>): FilterNode => {
    const op = opTok.v.toLowerCase();
    if (op === "pr") return { kind: "pr", ref };
    if (!(COMPARE_OPS as string[]).includes(op)) throw invalidFilter(`"${opTok.v}" is not a filter operator (eq ne co sw ew gt ge lt le pr).`);
    const vt = toks[p];
    let value: Literal;
    if (vt?.t === "str" || vt?.t === "num") value = vt.v;
    else if (vt?.t === "word" && ["true", "false", "null"].includes(vt.v.toLowerCase())) value = vt.v.toLowerCase() === "null" ? null : vt.v.toLowerCase() === "true";
    else throw invalidFilter(`Expected a value (a "string", number, true, false or null) after "${opTok.v}" ${where()}.`);
    p++;
    return { kind: "cmp", op: op as CompareOp, ref, value };
  };

  const ast = orExpr(0, false);
  if (p < toks.length) throw invalidFilter(`Unexpected "${(toks[p] as { v?: unknown }).v ?? toks[p].t}" ${where()}.`);
  return ast;
}

/** The definition a comparison actually looks at (a complex multi-valued attribute means its `value`). */
export const leafDef = (r: Resolved): AttrDef => r.sub ?? r.attr;

function checkComparison(def: AttrDef, op: CompareOp | "pr", value: Literal, label: string): Literal {
  if (op === "pr") return value;
  if (def.type === "complex") throw invalidFilter(`"${label}" is complex: compare one of its sub-attributes (e.g. ${label}.value).`);
  if (value === null) {
    if (op === "eq" || op === "ne") return null;
    throw invalidFilter(`"${op}" cannot compare with null.`);
  }
  const ordering = op === "gt" || op === "ge" || op === "lt" || op === "le";
  const substring = op === "co" || op === "sw" || op === "ew";
  switch (def.type) {
    case "boolean": {
      if (ordering || substring) throw invalidFilter(`"${op}" is not defined for the boolean attribute "${label}".`);
      if (typeof value === "string" && /^(true|false)$/i.test(value)) return value.toLowerCase() === "true";
      if (typeof value !== "boolean") throw invalidFilter(`"${label}" is boolean: compare it with true or false.`);
      return value;
    }
    case "dateTime": {
      if (substring) throw invalidFilter(`"${op}" is not defined for the dateTime attribute "${label}".`);
      // Strict: a real calendar date-time in years 0001-9999 (the database refuses year 0 and 2026-02-30 alike).
      const when = typeof value === "string" ? parseIsoDateTime(value.trim()) : null;
      if (!when) throw invalidFilter(`"${label}" is a dateTime: compare it with an xsd:dateTime string such as "2011-05-13T04:42:34Z" (a real date, years 0001-9999).`);
      return when.toISOString();
    }
    case "integer":
    case "decimal":
      if (substring) throw invalidFilter(`"${op}" is not defined for the numeric attribute "${label}".`);
      if (typeof value !== "number") throw invalidFilter(`"${label}" is numeric: compare it with a number.`);
      return value;
    case "binary":
      if (ordering || substring) throw invalidFilter(`"${op}" is not defined for the binary attribute "${label}".`);
      return String(value);
    default:
      if (typeof value === "boolean") throw invalidFilter(`"${label}" is a string: compare it with a "string".`);
      return typeof value === "number" ? String(value) : value;
  }
}

const label = (ref: AttrRef) => `${ref.uri ? ref.uri + ":" : ""}${ref.attr}${ref.sub ? "." + ref.sub : ""}`;

/** Resolve every attribute of a parsed filter against a resource type and check operator/type combinations. */
export function resolveFilter(node: FilterNode, rt: ResourceSchema, parent?: Resolved): FilterNode {
  switch (node.kind) {
    case "and":
    case "or":
      return { ...node, left: resolveFilter(node.left, rt, parent), right: resolveFilter(node.right, rt, parent) };
    case "not":
      return { ...node, expr: resolveFilter(node.expr, rt, parent) };
    case "valuePath": {
      const r = resolveAttr(rt, node.ref);
      if (!r || r.sub) throw invalidFilter(`Unknown attribute "${label(node.ref)}".`);
      if (r.attr.type !== "complex") throw invalidFilter(`"${label(node.ref)}" is not complex: it cannot take a [value filter].`);
      return { ...node, resolved: r, filter: resolveFilter(node.filter, rt, r) };
    }
    case "pr":
    case "cmp": {
      let r: Resolved | null;
      if (parent) {
        const sub = !node.ref.uri && !node.ref.sub ? parent.attr.subAttributes?.find((d) => d.name.toLowerCase() === node.ref.attr.toLowerCase()) : undefined;
        r = sub ? { ...parent, sub } : null;
      } else {
        r = resolveAttr(rt, node.ref);
      }
      if (!r) throw invalidFilter(`Unknown attribute "${label(node.ref)}"${parent ? ` in the value filter of "${parent.attr.name}"` : ""}.`);
      if (!r.sub && r.attr.type === "complex" && r.attr.multiValued) {
        const value = r.attr.subAttributes?.find((d) => d.name === "value");
        if (value) r = { ...r, sub: value };
      }
      if (leafDef(r).returned === "never") throw invalidFilter(`"${label(node.ref)}" cannot be filtered on.`);
      if (node.kind === "pr") return { ...node, resolved: r };
      return { ...node, resolved: r, value: checkComparison(leafDef(r), node.op, node.value, label(node.ref)) };
    }
  }
}

/** Parse and resolve: the only entry point callers need. */
export function compileFilter(src: string, rt: ResourceSchema): FilterNode {
  try {
    return resolveFilter(parseFilter(src), rt);
  } catch (e) {
    if (e instanceof ScimError) throw e;
    throw invalidFilter(`The filter could not be parsed: ${(e as Error).message}`);
  }
}

/** A value filter inside a PATCH path (`emails[type eq "work"]`): sub-attribute names relative to `parent`. */
export function compileValueFilter(src: string, rt: ResourceSchema, parent: Resolved): FilterNode {
  return resolveFilter(parseFilter(src), rt, parent);
}

// ---------- evaluation ----------

export function getKey(obj: unknown, name: string): unknown {
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) return undefined;
  const o = obj as Record<string, unknown>;
  if (name in o) return o[name];
  const k = Object.keys(o).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : o[k];
}

const present = (v: unknown) =>
  v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0) && !(typeof v === "object" && !Array.isArray(v) && Object.keys(v as object).length === 0);

/** All values an attribute reference denotes in a resource (multi-valued flattened, absent dropped). */
export function valuesOf(resource: Record<string, unknown>, r: Resolved): unknown[] {
  const c = containerOf(resource, r);
  const v = getKey(c, r.attr.name);
  const items = Array.isArray(v) ? v : [v];
  const out = r.sub ? items.flatMap((x) => { const s = getKey(x, r.sub!.name); return Array.isArray(s) ? s : [s]; }) : items;
  return out.filter(present);
}

function compare(def: AttrDef, a: unknown, b: Literal): number | null {
  if (def.type === "dateTime") {
    const x = Date.parse(String(a)), y = Date.parse(String(b));
    return Number.isNaN(x) || Number.isNaN(y) ? null : Math.sign(x - y);
  }
  if (def.type === "integer" || def.type === "decimal") {
    const x = Number(a);
    return Number.isNaN(x) ? null : Math.sign(x - Number(b));
  }
  if (def.type === "boolean") return a === b || String(a).toLowerCase() === String(b) ? 0 : 1;
  const x = def.caseExact ? String(a) : String(a).toLowerCase();
  const y = def.caseExact ? String(b) : String(b).toLowerCase();
  return x === y ? 0 : x < y ? -1 : 1;
}

function testValue(def: AttrDef, op: CompareOp, a: unknown, b: Literal): boolean {
  if (op === "co" || op === "sw" || op === "ew") {
    const x = def.caseExact ? String(a) : String(a).toLowerCase();
    const y = def.caseExact ? String(b) : String(b).toLowerCase();
    return op === "co" ? x.includes(y) : op === "sw" ? x.startsWith(y) : x.endsWith(y);
  }
  const c = compare(def, a, b);
  if (c === null) return false;
  switch (op) {
    case "eq": return c === 0;
    case "ne": return c !== 0;
    case "gt": return c > 0;
    case "ge": return c >= 0;
    case "lt": return c < 0;
    default: return c <= 0;
  }
}

function evalLeaf(node: Extract<FilterNode, { kind: "pr" | "cmp" }>, values: unknown[]): boolean {
  if (node.kind === "pr") return values.length > 0;
  const def = leafDef(node.resolved!);
  if (node.value === null) return node.op === "eq" ? values.length === 0 : values.length > 0;
  if (node.op === "ne") return !values.some((v) => testValue(def, "eq", v, node.value));
  return values.some((v) => testValue(def, node.op, v, node.value));
}

function evalIn(node: FilterNode, resource: Record<string, unknown>, element?: unknown): boolean {
  switch (node.kind) {
    case "and": return evalIn(node.left, resource, element) && evalIn(node.right, resource, element);
    case "or": return evalIn(node.left, resource, element) || evalIn(node.right, resource, element);
    case "not": return !evalIn(node.expr, resource, element);
    case "valuePath": {
      const r = node.resolved!;
      const v = getKey(containerOf(resource, r), r.attr.name);
      const items = (Array.isArray(v) ? v : [v]).filter(present);
      return items.some((el) => evalIn(node.filter, resource, el));
    }
    default: {
      const r = node.resolved!;
      if (element !== undefined) {
        const s = getKey(element, r.sub!.name);
        return evalLeaf(node, (Array.isArray(s) ? s : [s]).filter(present));
      }
      return evalLeaf(node, valuesOf(resource, r));
    }
  }
}

/** Does a resource match a compiled filter? */
export function matches(node: FilterNode, resource: Record<string, unknown>): boolean {
  return evalIn(node, resource);
}

/** Does one element of a complex multi-valued attribute match a value filter (PATCH paths)? */
export function elementMatches(node: FilterNode, element: unknown): boolean {
  return evalIn(node, {}, element);
}

/** Sort key of an attribute (RFC 7644 §3.4.2.3): the primary value of a multi-valued attribute, else the first. */
export function sortValue(resource: Record<string, unknown>, r: Resolved): unknown {
  const c = containerOf(resource, r);
  const v = getKey(c, r.attr.name);
  if (Array.isArray(v)) {
    const el = v.find((x) => getKey(x, "primary") === true) ?? v[0];
    return r.sub ? getKey(el, r.sub.name) : el;
  }
  return r.sub ? getKey(v, r.sub.name) : v;
}

/** Comparator for sortBy: case-insensitive unless caseExact; missing values sort last ascending (first descending). */
export function sortComparator(r: Resolved, descending: boolean) {
  const def = leafDef(r);
  return (x: Record<string, unknown>, y: Record<string, unknown>) => {
    const a = sortValue(x, r), b = sortValue(y, r);
    const pa = present(a), pb = present(b);
    let c: number;
    if (!pa || !pb) c = pa === pb ? 0 : pa ? -1 : 1;
    else c = compare(def, a, b as Literal) ?? 0;
    return descending ? -c : c;
  };
}
