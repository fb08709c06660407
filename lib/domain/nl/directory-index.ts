/**
 * Helpers over the directory (labels, the keys a person or an application is called by) and its index: every key
 * normalised once per directory object, then reused by later calls.
 */
import { aliasesFor, nicknamesOf } from "./aliases";
import { type Candidate, compact, normalize, prepare, singularize } from "./fuzzy";
import { type Directory, type DirectoryApplication, type DirectoryEntitlement, type DirectoryPerson, EXAMPLES, type NotUnderstood, type PeerFilter } from "./types";


export function personLabel(p: DirectoryPerson): string {
  const where = [p.title, p.department, p.location].filter(Boolean).join(", ");
  return `${p.displayName} — ${where}${p.team ? ` (${p.team} team)` : ""} <${p.email}>`;
}
export function shortPerson(p: DirectoryPerson): string {
  return `${p.displayName} (${[p.title, p.department, p.location].filter(Boolean).join(", ")})`;
}
export function appKeys(a: DirectoryApplication): string[] {
  return distinct([a.name, a.key, a.name.replace(/\s*\(.*\)\s*$/, ""), ...aliasesFor(a)]);
}
export function personKeys(p: DirectoryPerson, n: number): string[] {
  const local = p.email.split("@")[0]?.replace(/[._-]+/g, " ") ?? "";
  if (n === 1) return [p.givenName, p.familyName, p.displayName.split(" ").length === 1 ? p.displayName : "", ...nicknamesOf(p.givenName)].filter(Boolean);
  // "Omar H": a given name and the family name's initial.
  const initial = p.familyName ? `${p.givenName} ${normalize(p.familyName)[0] ?? ""}` : "";
  return [p.displayName, `${p.givenName} ${p.familyName}`, local, initial].filter(Boolean);
}
export const distinct = (xs: Array<string | null | undefined>) => [...new Set(xs.filter((x): x is string => !!x && !!x.trim()))];

export function notUnderstood(message: string, suggestions: string[] = EXAMPLES): NotUnderstood {
  return { kind: "not_understood", message, suggestions };
}

/** People matching every attribute of the filter (case- and accent-insensitive), or listed in personIds. */
export function peopleMatching(dir: Directory, f: PeerFilter, idx: DirectoryIndex = indexOf(dir)): DirectoryPerson[] {
  const want = { title: f.title, department: f.department, team: f.team, location: f.location };
  const hasAttr = Object.values(want).some((v) => v !== undefined);
  const norm = Object.fromEntries(Object.entries(want).map(([k, v]) => [k, v === undefined ? undefined : normalize(v)])) as Record<keyof typeof want, string | undefined>;
  const ids = new Set(f.personIds ?? []);
  return dir.people.filter((p, i) => {
    if (ids.has(p.id)) return true;
    if (!hasAttr) return false;
    const a = idx.personAttrs[i];
    return (Object.keys(norm) as Array<keyof typeof want>).every((k) => norm[k] === undefined || a[k] === norm[k]);
  });
}

// ---------------------------------------------------------------------------------------------
// Directory index: every key normalised once per directory object, then reused by later calls.
// Cached by object identity (WeakMap): a caller that changes a directory passes a new object.

export type AttrKind = "title" | "department" | "team" | "location";
export type DirectoryIndex = {
  apps: Candidate<DirectoryApplication>[];
  people1: Candidate<DirectoryPerson>[];
  peopleN: Candidate<DirectoryPerson>[];
  exact1: Map<string, DirectoryPerson[]>;
  exactN: Map<string, DirectoryPerson[]>;
  attributes: Array<{ key: AttrKind; values: string[]; prepared: string[] }>;
  personAttrs: Array<Record<AttrKind, string>>;
  /** Every entitlement's names (entitlementKeys), normalised once. */
  entitlements: Map<string, Candidate<DirectoryEntitlement>>;
};
export const INDEX = new WeakMap<Directory, DirectoryIndex>();

export function indexOf(dir: Directory): DirectoryIndex {
  const hit = INDEX.get(dir);
  if (hit && hit.people1.length === dir.people.length && hit.apps.length === dir.applications.length && hit.entitlements.size === dir.entitlements.length) return hit;
  const people1 = prepare(dir.people.map((p) => ({ value: p, keys: personKeys(p, 1) })));
  const peopleN = prepare(dir.people.map((p) => ({ value: p, keys: personKeys(p, 2) })));
  const exactMap = (cands: Candidate<DirectoryPerson>[]) => {
    const m = new Map<string, DirectoryPerson[]>();
    for (const c of cands)
      for (const k of new Set(c.prepared)) {
        const list = m.get(k) ?? [];
        list.push(c.value);
        m.set(k, list);
      }
    return m;
  };
  const attr = (key: AttrKind) => {
    const values = distinct(dir.people.map((p) => p[key]));
    return { key, values, prepared: values.map((v) => compact(singularize(v))) };
  };
  const appById = new Map(dir.applications.map((a) => [a.id, a]));
  const idx: DirectoryIndex = {
    entitlements: new Map(prepare(dir.entitlements.map((e) => ({ value: e, keys: entitlementKeys(e, appById.get(e.applicationId)) }))).map((c) => [c.value.id, c])),
    apps: prepare(dir.applications.map((a) => ({ value: a, keys: appKeys(a) }))),
    people1,
    peopleN,
    exact1: exactMap(people1),
    exactN: exactMap(peopleN),
    attributes: [attr("title"), attr("department"), attr("team"), attr("location")],
    personAttrs: dir.people.map((p) => ({ title: normalize(p.title ?? ""), department: normalize(p.department ?? ""), team: normalize(p.team ?? ""), location: normalize(p.location ?? "") })),
  };
  INDEX.set(dir, idx);
  return idx;
}

export const ABBREVIATIONS: Array<[RegExp, string]> = [
  [/\borganization\b|\borganisation\b/g, "org"], [/\bproduction\b/g, "prod"], [/\brepository\b/g, "repo"], [/\badministrator\b/g, "admin"],
  [/\bdevelopment\b/g, "dev"], [/\bapplication\b/g, "app"], [/\bmanagement\b/g, "mgmt"], [/\boperations\b/g, "ops"],
];

/** Names an entitlement is called by: its name, without the application's name, without "(…)", a trailing "user"/"access", abbreviated. */
export function entitlementKeys(e: DirectoryEntitlement, app: DirectoryApplication | undefined): string[] {
  const full = normalize(e.name);
  const noParen = normalize(e.name.replace(/\s*\([^)]*\)\s*/g, " "));
  const prefixes = app ? appKeys(app).map((k) => normalize(k).replace(/[^\w ]/g, "")).filter(Boolean) : [];
  const stripApp = (x: string) => (prefixes.length ? x.replace(new RegExp(`^(${prefixes.join("|")})\\s+`), "") : x);
  // "Vault: Finance" is also said "finance vault"; "Shared drive: Finance" "finance shared drive".
  const colon = /^([^:]+):\s*(.+)$/.exec(e.name.replace(/\s*\([^)]*\)\s*/g, " ").trim());
  const reversed = colon ? [normalize(`${colon[2]} ${colon[1]}`), normalize(`${colon[2].replace(/\s+(shared|team|access)$/i, "")} ${colon[1]}`)] : [];
  const base = distinct([full, noParen, stripApp(full), stripApp(noParen), ...reversed]);
  const generic = base.map((x) => x.replace(/\s+(user|users|access|role|seat|license|licence)$/, "")).filter((x) => x.length >= 3);
  const all = distinct([e.name, ...base, ...generic]);
  const abbreviated = all.map((x) => ABBREVIATIONS.reduce((acc, [re, to]) => acc.replace(re, to), normalize(x)));
  return distinct([...all, ...abbreviated]);
}
