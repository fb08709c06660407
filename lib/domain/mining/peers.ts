/**
 * Peer analytics: outliers, dormant access, drift, suggested permission level.
 *
 * - `findOutliers`: peer group = same department+title; if that group has fewer than `minPeers` other
 *   people, same department; then the whole organisation. Nobody is skipped: a person alone in the
 *   organisation gets a finding with an empty peer group. For each person: entitlements they hold
 *   that few peers hold (rarity = share of peers holding it) and entitlements most peers hold that
 *   they lack. Score = sum of (1 - share) over unusual + sum of share over missing, divided by
 *   sqrt(number of entitlements involved + 1) so big profiles are not favoured. O(sum of grants).
 * - `findDormant`: grants last used >= N days ago (default 90), or never used and granted >= N days ago.
 * - `findDrift`: grants outside every role the person's attributes give (input: person -> expected set).
 * - `suggestLevels`: permission level (read < edit < admin) for a person and application from their
 *   seniority and what peers at the same seniority hold for that application (majority), falling back
 *   to the nearest seniority with data, then to a seniority rule.
 * Method: peer-group analysis as commonly used in identity governance (access certification
 * triage); every finding carries human-readable reasons.
 */

export interface Person {
  id: string;
  department?: string | null;
  title?: string | null;
  /** Seniority (higher = more senior). */
  level?: number | null;
}

export interface OutlierFinding {
  person: string;
  peerGroup: { basis: "department+title" | "department" | "organisation" | "none"; name: string; size: number };
  score: number;
  unusual: Array<{ entitlement: string; peerShare: number }>;
  missing: Array<{ entitlement: string; peerShare: number }>;
  reasons: string[];
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

export function findOutliers(
  people: readonly Person[],
  access: ReadonlyMap<string, ReadonlySet<string>>,
  opts: { minPeers?: number; rareBelow?: number; commonAbove?: number; reasons?: boolean } = {},
): OutlierFinding[] {
  const minPeers = opts.minPeers ?? 2;
  // reasons: false leaves them empty (a caller showing a page of findings explains only those: explainOutlier).
  const explain = opts.reasons ?? true;
  const rareBelow = opts.rareBelow ?? 0.2;
  const commonAbove = opts.commonAbove ?? 0.8;
  const groupOf = (key: (p: Person) => string): Map<string, Person[]> => {
    const m = new Map<string, Person[]>();
    for (const p of people) {
      const k = key(p);
      let g = m.get(k);
      if (!g) m.set(k, (g = []));
      g.push(p);
    }
    return m;
  };
  const dt = groupOf((p) => `${p.department ?? ""}\u0000${p.title ?? ""}`);
  const dep = groupOf((p) => `${p.department ?? ""}`);
  // holder counts per group, computed once
  const countsCache = new Map<Person[], Map<string, number>>();
  const counts = (g: Person[]): Map<string, number> => {
    let c = countsCache.get(g);
    if (!c) {
      c = new Map();
      for (const p of g) for (const e of access.get(p.id) ?? []) c.set(e, (c.get(e) ?? 0) + 1);
      countsCache.set(g, c);
    }
    return c;
  };
  // Everyone compared with a group has the same number of peers (its size - 1), so the entitlements common
  // enough to be "missing" are listed once per group instead of scanning the group's counts for each person.
  const commonCache = new Map<Person[], Array<[string, number]>>();
  const common = (g: Person[], peers: number): Array<[string, number]> => {
    let l = commonCache.get(g);
    if (!l) {
      l = [];
      for (const [e, k] of counts(g)) if (k / peers >= commonAbove) l.push([e, k]);
      commonCache.set(g, l);
    }
    return l;
  };
  const org = [...people];
  const out: OutlierFinding[] = [];
  for (const p of people) {
    let group = dt.get(`${p.department ?? ""}\u0000${p.title ?? ""}`)!;
    let basis: OutlierFinding["peerGroup"]["basis"] = "department+title";
    let name = `${p.department ?? "(no department)"} / ${p.title ?? "(no title)"}`;
    if (group.length - 1 < minPeers || !p.department || !p.title) {
      group = dep.get(`${p.department ?? ""}`)!;
      basis = "department";
      name = p.department ?? "(no department)";
      if (group.length - 1 < minPeers || !p.department) {
        group = org;
        basis = "organisation";
        name = "whole organisation";
      }
    }
    const peers = group.length - 1;
    const mine = access.get(p.id) ?? new Set<string>();
    if (peers === 0) {
      out.push({
        person: p.id,
        peerGroup: { basis: "none", name: "no peers", size: 0 },
        score: 0,
        unusual: [],
        missing: [],
        reasons: [`${p.id} has no peers to compare with (alone in the organisation); access cannot be judged against peers`],
      });
      continue;
    }
    const c = counts(group);
    const unusual: OutlierFinding["unusual"] = [];
    const missing: OutlierFinding["missing"] = [];
    for (const e of mine) {
      const share = ((c.get(e) ?? 0) - 1) / peers; // peers other than the person
      if (share < rareBelow) unusual.push({ entitlement: e, peerShare: share });
    }
    for (const [e, k] of common(group, peers)) if (!mine.has(e)) missing.push({ entitlement: e, peerShare: k / peers });
    unusual.sort((a, b) => a.peerShare - b.peerShare || (a.entitlement < b.entitlement ? -1 : 1));
    missing.sort((a, b) => b.peerShare - a.peerShare || (a.entitlement < b.entitlement ? -1 : 1));
    let score = 0;
    for (const u of unusual) score += 1 - u.peerShare;
    for (const m of missing) score += m.peerShare;
    score /= Math.sqrt(mine.size + missing.length + 1);
    const f: OutlierFinding = { person: p.id, peerGroup: { basis, name, size: peers }, score, unusual, missing, reasons: [] };
    if (explain) f.reasons = explainOutlier(f, minPeers);
    out.push(f);
  }
  out.sort((a, b) => b.score - a.score || (a.person < b.person ? -1 : 1));
  return out;
}

/** The reasons of an outlier finding (what findOutliers puts in `reasons`), from its peer group, unusual and missing entitlements. */
export function explainOutlier(f: Pick<OutlierFinding, "peerGroup" | "unusual" | "missing">, minPeers = 2): string[] {
  const { basis, name, size: peers } = f.peerGroup;
  const reasons: string[] = [];
  if (basis !== "department+title") reasons.push(`fewer than ${minPeers} peers with the same department and title; compared with ${name} (${peers} people)`);
  for (const u of f.unusual)
    reasons.push(
      u.peerShare === 0
        ? `holds ${u.entitlement}, which none of ${peers} peers (${name}) hold`
        : `holds ${u.entitlement}, held by only ${pct(u.peerShare)} of ${peers} peers (${name})`,
    );
  for (const m of f.missing) reasons.push(`lacks ${m.entitlement}, held by ${pct(m.peerShare)} of ${peers} peers (${name})`);
  return reasons;
}

export interface Grant {
  person: string;
  entitlement: string;
  grantedAt?: Date | string | null;
  lastUsed?: Date | string | null;
  level?: string | null;
}

export interface DormantFinding {
  person: string;
  entitlement: string;
  daysSinceUse: number | null;
  daysSinceGrant: number | null;
  reasons: string[];
}

const DAY = 86_400_000;
const toTime = (d: Date | string | null | undefined): number | null => {
  if (d === null || d === undefined || d === "") return null;
  const t = d instanceof Date ? d.getTime() : Date.parse(d);
  return Number.isFinite(t) ? t : null;
};

/** `now` is required (domain code does not read the clock itself). */
export function findDormant(grants: readonly Grant[], opts: { now: Date; days?: number }): DormantFinding[] {
  const days = opts.days ?? 90;
  const now = opts.now.getTime();
  const out: DormantFinding[] = [];
  for (const g of grants) {
    const used = toTime(g.lastUsed);
    const granted = toTime(g.grantedAt);
    const sinceUse = used === null ? null : Math.floor((now - used) / DAY);
    const sinceGrant = granted === null ? null : Math.floor((now - granted) / DAY);
    if (sinceUse !== null && sinceUse >= days) {
      out.push({
        person: g.person,
        entitlement: g.entitlement,
        daysSinceUse: sinceUse,
        daysSinceGrant: sinceGrant,
        reasons: [`${g.person} last used ${g.entitlement} ${sinceUse} days ago (threshold ${days} days)`],
      });
    } else if (sinceUse === null && sinceGrant !== null && sinceGrant >= days) {
      out.push({
        person: g.person,
        entitlement: g.entitlement,
        daysSinceUse: null,
        daysSinceGrant: sinceGrant,
        reasons: [`${g.person} has never used ${g.entitlement}, granted ${sinceGrant} days ago (threshold ${days} days)`],
      });
    }
  }
  out.sort((a, b) => (b.daysSinceUse ?? b.daysSinceGrant ?? 0) - (a.daysSinceUse ?? a.daysSinceGrant ?? 0));
  return out;
}

export interface DriftFinding {
  person: string;
  outside: string[];
  reasons: string[];
}

export function findDrift(
  access: ReadonlyMap<string, ReadonlySet<string>>,
  expected: ReadonlyMap<string, ReadonlySet<string>>,
): DriftFinding[] {
  const out: DriftFinding[] = [];
  for (const [person, held] of access) {
    const exp = expected.get(person);
    const outside = [...held].filter((e) => !exp || !exp.has(e)).sort();
    if (!outside.length) continue;
    out.push({
      person,
      outside,
      reasons: outside.map((e) =>
        exp && exp.size
          ? `${person} holds ${e}, which no role given by their attributes grants`
          : `${person} holds ${e}, but no role applies to their attributes at all`,
      ),
    });
  }
  out.sort((a, b) => b.outside.length - a.outside.length || (a.person < b.person ? -1 : 1));
  return out;
}

export type PermissionLevel = "read" | "edit" | "admin";
const LEVELS: PermissionLevel[] = ["read", "edit", "admin"];

export function normaliseLevel(raw: string | null | undefined): PermissionLevel | null {
  if (!raw) return null;
  const s = raw.trim().toLowerCase();
  if (/^(read|r|view|viewer|read-?only|ro|user|basic)$/.test(s)) return "read";
  if (/^(edit|write|w|rw|editor|contributor|modify|power ?user)$/.test(s)) return "edit";
  if (/^(admin|administrator|owner|full|superuser|root|manage)$/.test(s)) return "admin";
  return null;
}

export interface LevelSuggestion {
  person: string;
  application: string;
  current: PermissionLevel | null;
  suggested: PermissionLevel;
  reasons: string[];
}

/** Rule used when no peer data exists: 1-2 read, 3-4 edit, 5+ admin. */
export function levelBySeniority(seniority: number): PermissionLevel {
  return seniority >= 5 ? "admin" : seniority >= 3 ? "edit" : "read";
}

export function suggestLevels(
  people: readonly Person[],
  grants: readonly Grant[],
): LevelSuggestion[] {
  const seniority = new Map(people.map((p) => [p.id, p.level ?? null]));
  // application -> seniority -> level counts
  const table = new Map<string, Map<number, number[]>>();
  for (const g of grants) {
    const lv = normaliseLevel(g.level ?? null);
    const s = seniority.get(g.person);
    if (lv === null || s === null || s === undefined) continue;
    let bySen = table.get(g.entitlement);
    if (!bySen) table.set(g.entitlement, (bySen = new Map()));
    let c = bySen.get(s);
    if (!c) bySen.set(s, (c = [0, 0, 0]));
    c[LEVELS.indexOf(lv)]++;
  }
  const out: LevelSuggestion[] = [];
  for (const g of grants) {
    const s = seniority.get(g.person);
    const current = normaliseLevel(g.level ?? null);
    if (s === null || s === undefined) continue;
    const bySen = table.get(g.entitlement);
    let suggested: PermissionLevel = levelBySeniority(s);
    let reason = `no peer data for ${g.entitlement}; rule for seniority ${s}: ${suggested}`;
    if (bySen && bySen.size) {
      let best = s;
      if (!bySen.has(s)) best = [...bySen.keys()].sort((a, b) => Math.abs(a - s) - Math.abs(b - s) || a - b)[0];
      const c = [...bySen.get(best)!];
      if (best === s && current) c[LEVELS.indexOf(current)]--; // compare with peers, not oneself
      const total = c[0] + c[1] + c[2];
      if (total > 0) {
        let k = 0;
        for (let i = 1; i < 3; i++) if (c[i] > c[k]) k = i;
        suggested = LEVELS[k];
        reason = `${c[k]} of ${total} peers at seniority ${best}${best === s ? "" : ` (nearest with data to ${s})`} hold ${suggested} on ${g.entitlement}`;
      }
    }
    const reasons = [reason];
    if (current && current !== suggested)
      reasons.push(`${g.person} holds ${current}; ${LEVELS.indexOf(current) > LEVELS.indexOf(suggested) ? "more" : "less"} than suggested`);
    out.push({ person: g.person, application: g.entitlement, current, suggested, reasons });
  }
  return out;
}
