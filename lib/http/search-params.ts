/**
 * One tolerant reader for page search params. A bad link never fails a page: a repeated parameter
 * counts once (the first value), numbers are clamped into range (page 0 → 1, pageSize 1000 → the
 * maximum), and a value that cannot be used (an unknown status, text with NUL characters, an
 * impossible id) is dropped and named in a notice the page shows. Nothing here throws.
 */
import { isSafeText } from "@/lib/domain/strict-input";

export type RawSearchParams = Record<string, string | string[] | undefined>;
export type Reading<T> = { value: T; notice?: string };
export type ParamSpec<T> = (raw: string | undefined, name: string) => Reading<T>;

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
const show = (s: string) => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s).replace(/[\u0000-\u001f\u007f]|[\uD800-\uDFFF]/g, "�");

/** Free text (search boxes): trimmed; empty → undefined; longer than `max` or not storable text → ignored with a notice. */
export const textParam = (max = 100, label?: string): ParamSpec<string | undefined> => (raw, name) => {
  const v = raw?.trim();
  if (!v) return { value: undefined };
  if (!isSafeText(v)) return { value: undefined, notice: `The ${label ?? name} contained characters that cannot be searched (NUL or invalid Unicode); it was ignored.` };
  if (v.length > max) return { value: undefined, notice: `The ${label ?? name} is longer than ${max} characters; it was ignored.` };
  return { value: v };
};

/** An integer clamped into [min, max]; missing or not a number → `def` (with a notice when something was given). */
export const intParam = (o: { min: number; max: number; def: number; label?: string }): ParamSpec<number> => (raw, name) => {
  const v = raw?.trim();
  if (!v) return { value: o.def };
  const n = /^[+-]?\d{1,16}$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) return { value: o.def, notice: `The ${o.label ?? name} ${show(v)} is not a whole number; showing ${o.def}.` };
  if (n < o.min) return { value: o.min, ...(o.min === 1 && name === "page" ? {} : { notice: `The ${o.label ?? name} is at least ${o.min}; showing ${o.min}.` }) };
  if (n > o.max) return { value: o.max, notice: `The ${o.label ?? name} is at most ${o.max}; showing ${o.max}.` };
  return { value: n };
};

export const pageParam = (max = 10_000) => intParam({ min: 1, max, def: 1, label: "page" });

/** One of a fixed list (case-sensitive); unknown → `def` (undefined = no filter) with an "unknown … ignored" notice. */
export function enumParam<const V extends string>(values: readonly V[], label: string): ParamSpec<V | undefined>;
export function enumParam<const V extends string>(values: readonly V[], label: string, def: V): ParamSpec<V>;
export function enumParam<const V extends string>(values: readonly V[], label: string, def?: V): ParamSpec<V | undefined> {
  return (raw) => {
    const v = raw?.trim();
    if (!v) return { value: def };
    if ((values as readonly string[]).includes(v)) return { value: v as V };
    return { value: def, notice: `Unknown ${label} ${show(v)}: ${def ? `showing ${def.replace(/[-_]/g, " ")}` : "ignored"}. Known: ${values.join(", ")}.` };
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const uuidParam = (label: string): ParamSpec<string | undefined> => (raw) => {
  const v = raw?.trim();
  if (!v) return { value: undefined };
  return UUID.test(v) ? { value: v.toLowerCase() } : { value: undefined, notice: `Unknown ${label}; it was ignored.` };
};

type Values<S> = { [K in keyof S]: S[K] extends ParamSpec<infer T> ? T : never };

/** Read every parameter of `spec` from the raw search params; the page shows `notices` (never throws). */
export function readSearchParams<S extends Record<string, ParamSpec<unknown>>>(raw: RawSearchParams | null | undefined, spec: S): { values: Values<S>; notices: string[] } {
  const values = {} as Record<string, unknown>;
  const notices: string[] = [];
  for (const [name, read] of Object.entries(spec)) {
    const r = read(first(raw?.[name]), name);
    values[name] = r.value;
    if (r.notice) notices.push(r.notice);
  }
  return { values: values as Values<S>, notices };
}
