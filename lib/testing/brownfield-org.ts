/**
 * A generated "brownfield" organisation (issue 10): an existing company Gatehouse has never seen, as the documented
 * onboarding interfaces receive it. Deterministic for a seed (mulberry32), ~300 people by default.
 *
 * Output:
 * - two HR CSV snapshots (the README's columns): `hrBefore` (as exported some weeks ago) and `hrNow` (today's, in
 *   which the movers have changed department and title);
 * - the content of a directory (LDAP: `uid`/`mail` entries, groupOfNames groups) and of a SCIM 2.0 application
 *   (users by email, groups), to be loaded into a real slapd and a real SCIM app before Gatehouse is connected;
 * - a usage file (`account,last_used`) for the SCIM application;
 * - the planted problems, each one recorded as the review item it should become:
 *     leaver      a person HR says left, whose accounts are still live (every membership is planted)
 *     orphan      an account that matches no person (one orphan item per account)
 *     mover       a person who changed department and kept the old department's groups (those groups are planted)
 *     outlier     a group of another team that nobody in the person's peer group holds
 *     sod         both sides of a separation-of-duties pair (Payments: initiate × Payments: approve)
 *     dormant     SCIM access of an account whose last sign-in is 200 days old (usage file)
 * Everything else is ordinary, explainable access: department groups, company-wide groups (some people miss some),
 * the privileged "Admins" group held by IT administrators.
 */

export type PlantedKind = "leaver" | "orphan" | "mover" | "outlier" | "sod" | "dormant";
/** A planted grant item: (person email, system key, entitlement name); an orphan: (system key, account name). */
export type PlantedItem = { kind: PlantedKind; system: "dir" | "apps"; email?: string; account?: string; entitlement?: string };

export type LdapUser = { uid: string; givenName: string; sn: string; mail?: string };
export type ScimUser = { userName: string; givenName: string; familyName: string; email: string };
export type BrownfieldOrg = {
  people: number;
  /** The head of IT: the first admin (and owner of both systems). */
  admin: string;
  hrBefore: string;
  hrNow: string;
  ldap: { users: LdapUser[]; groups: Array<{ cn: string; description: string; members: string[] }> };
  scim: { users: ScimUser[]; groups: Array<{ displayName: string; members: string[] }> };
  /** Usage file of the SCIM application (`account,last_used`), dates relative to `now`. */
  usageCsv: string;
  planted: PlantedItem[];
  sod: { sideA: string; sideB: string };
  privileged: string[];
  /** Memberships of accounts that belong to people (what the first campaign must contain), per system. */
  memberships: { dir: number; apps: number };
};

const DEPTS: Array<{ name: string; slug: string; titles: Array<[string, number, number]> }> = [
  // [title, headcount, level]; the first title is the department head's.
  { name: "Engineering", slug: "eng", titles: [["Engineering Manager", 8, 4], ["Software Engineer", 50, 2], ["Site Reliability Engineer", 12, 3]] },
  { name: "Sales", slug: "sales", titles: [["Sales Manager", 10, 4], ["Account Executive", 40, 2]] },
  { name: "Finance", slug: "fin", titles: [["Finance Manager", 10, 4], ["Accountant", 22, 2]] },
  { name: "Support", slug: "support", titles: [["Support Lead", 8, 3], ["Support Agent", 40, 1]] },
  { name: "Marketing", slug: "mkt", titles: [["Marketing Manager", 6, 4], ["Marketing Specialist", 30, 2]] },
  { name: "People", slug: "people", titles: [["HR Partner", 20, 3], ["Recruiter", 12, 2]] },
  { name: "IT", slug: "it", titles: [["IT Administrator", 12, 3], ["IT Analyst", 20, 2]] },
];
const GIVEN = ["Ada", "Ben", "Carla", "Dmitri", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Keiko", "Liam", "Maya", "Nils", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wen", "Xavier", "Yara", "Zane"];
const FAMILY = ["Adler", "Brandt", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ivanova", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Quintana", "Rossi", "Schmidt", "Tanaka", "Ulrich", "Varga", "Weber", "Xu", "Yilmaz", "Zhou"];

export const SOD_A = "Payments: initiate";
export const SOD_B = "Payments: approve";
const ADMINS = "Admins";
const DAY = 86_400_000;

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type P = { location: string; eid: string; given: string; family: string; email: string; uid: string; dept: number; title: string; level: number; manager: string | null; status: "active" | "terminated"; endDate: string | null; startDate: string };

/** Groups a person of department `d` with `title` holds in each system (before noise). */
function baseGroups(d: number, title: string): { dir: string[]; apps: string[] } {
  const dept = DEPTS[d]!;
  const dir = [`dept-${dept.slug}`];
  const apps = [`${dept.name} team`];
  if (dept.slug === "eng") dir.push("git-repos");
  if (title === "Site Reliability Engineer") dir.push("prod-deploy");
  if (dept.slug === "fin") apps.push("ERP reports");
  if (title === "Accountant") apps.push(SOD_A);
  if (title === "Finance Manager") apps.push(SOD_B);
  if (title === "IT Administrator") apps.push(ADMINS);
  if (dept.slug === "sales" || dept.slug === "mkt") apps.push("CRM");
  return { dir, apps };
}

export function generateBrownfieldOrg(opts: { seed?: number; now: Date; scale?: number }): BrownfieldOrg {
  const rnd = mulberry32(opts.seed ?? 42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const day = (offsetDays: number) => new Date(opts.now.getTime() + offsetDays * DAY).toISOString().slice(0, 10);
  const scale = opts.scale ?? 1;
  const people: P[] = [];
  const used = new Set<string>();
  let n = 1000;
  DEPTS.forEach((dept, d) => {
    let head: string | null = null;
    for (const [title, count, level] of dept.titles) {
      for (let i = 0; i < Math.max(1, Math.round(count * scale)); i++) {
        const given = pick(GIVEN);
        const family = pick(FAMILY);
        let local = `${given}.${family}`.toLowerCase();
        for (let k = 2; used.has(local); k++) local = `${given}.${family}${k}`.toLowerCase();
        used.add(local);
        const eid = `E${++n}`;
        // The first person of Engineering heads the company; each department's first person heads it.
        const manager: string | null = head ?? (people.length ? people[0]!.eid : null);
        people.push({ location: pick(["Berlin", "Lisbon", "Remote"]), eid, given, family, email: `${local}@acme.test`, uid: local, dept: d, title, level, manager, status: "active", endDate: null, startDate: day(-400 - Math.floor(rnd() * 2000)) });
        head ??= eid;
      }
    }
  });

  // Access as the systems hold it today: person uid → groups per system.
  const dir = new Map<string, Set<string>>();
  const apps = new Map<string, Set<string>>();
  for (const p of people) {
    const b = baseGroups(p.dept, p.title);
    const ds = new Set(b.dir.filter(() => rnd() < 0.97));
    if (rnd() < 0.96) ds.add("vpn");
    if (rnd() < 0.9) ds.add("wiki");
    const as = new Set(b.apps.filter(() => rnd() < 0.97));
    if (rnd() < 0.93) as.add("Chat");
    dir.set(p.uid, ds);
    apps.set(p.uid, as);
  }

  const planted: PlantedItem[] = [];
  const plantAll = (kind: PlantedKind, p: P, system: "dir" | "apps") => {
    for (const g of (system === "dir" ? dir : apps).get(p.uid)!) planted.push({ kind, system, email: p.email, entitlement: g });
  };
  // Chosen people: never a department head (they are managers), never twice.
  const taken = new Set<string>(DEPTS.map((_, d) => people.find((p) => p.dept === d)!.eid));
  const choose = (filter: (p: P) => boolean, count: number): P[] => {
    const pool = people.filter((p) => !taken.has(p.eid) && filter(p));
    const out: P[] = [];
    while (out.length < count && pool.length) {
      const p = pool.splice(Math.floor(rnd() * pool.length), 1)[0]!;
      taken.add(p.eid);
      out.push(p);
    }
    return out;
  };
  const nPlant = (k: number) => Math.max(1, Math.round(k * scale));

  // Leavers: terminated in HR 10–60 days ago; their accounts and memberships are still there.
  const leavers = choose(() => true, nPlant(6));
  for (const p of leavers) {
    p.status = "terminated";
    p.endDate = day(-60 - Math.floor(rnd() * 30));
    plantAll("leaver", p, "dir");
    plantAll("leaver", p, "apps");
  }

  // Movers: in hrBefore they are in their old department; in hrNow in a new one, with the new groups added and the
  // old department's groups kept.
  const movers = choose((p) => p.title !== DEPTS[p.dept]!.titles[0]![0], nPlant(8));
  const moved = new Map<string, { dept: number; title: string; level: number }>();
  for (const p of movers) {
    let to = Math.floor(rnd() * DEPTS.length);
    if (to === p.dept) to = (to + 1) % DEPTS.length;
    const [title, , level] = DEPTS[to]!.titles[1]!;
    const old = baseGroups(p.dept, p.title);
    const neu = baseGroups(to, title);
    for (const g of old.dir) if (!neu.dir.includes(g)) (dir.get(p.uid)!.add(g), planted.push({ kind: "mover", system: "dir", email: p.email, entitlement: g }));
    for (const g of old.apps) if (!neu.apps.includes(g)) (apps.get(p.uid)!.add(g), planted.push({ kind: "mover", system: "apps", email: p.email, entitlement: g }));
    for (const g of neu.dir) dir.get(p.uid)!.add(g);
    for (const g of neu.apps) apps.get(p.uid)!.add(g);
    moved.set(p.eid, { dept: to, title, level });
  }

  // Peer outliers: one sensitive group of another team.
  const foreign: Array<{ system: "dir" | "apps"; group: string; not: (p: P) => boolean }> = [
    { system: "dir", group: "prod-deploy", not: (p) => p.title === "Site Reliability Engineer" },
    { system: "apps", group: ADMINS, not: (p) => p.title === "IT Administrator" },
    { system: "apps", group: "ERP reports", not: (p) => DEPTS[p.dept]!.slug === "fin" },
    { system: "dir", group: "dept-people", not: (p) => DEPTS[p.dept]!.slug === "people" },
    { system: "apps", group: "CRM", not: (p) => ["sales", "mkt"].includes(DEPTS[p.dept]!.slug) },
  ];
  for (const p of choose(() => true, nPlant(8))) {
    const first = foreign[Math.floor(rnd() * foreign.length)]!;
    const f = !first.not(p) ? first : foreign.find((x) => !x.not(p))!;
    (f.system === "dir" ? dir : apps).get(p.uid)!.add(f.group);
    planted.push({ kind: "outlier", system: f.system, email: p.email, entitlement: f.group });
  }

  // Separation of duties: accountants who can also approve payments.
  for (const p of choose((p) => p.title === "Accountant", nPlant(4))) {
    apps.get(p.uid)!.add(SOD_A).add(SOD_B);
    planted.push({ kind: "sod", system: "apps", email: p.email, entitlement: SOD_A }, { kind: "sod", system: "apps", email: p.email, entitlement: SOD_B });
  }

  // Dormant: SCIM accounts nobody has signed in to for 200 days; everyone else within the last three weeks.
  const dormant = new Set(choose(() => true, nPlant(10)).map((p) => p.uid));
  for (const p of people) if (dormant.has(p.uid)) plantAll("dormant", p, "apps");

  // Orphans: accounts that match no HR record.
  const ldapOrphans: Array<[string, string[]]> = [["svc-backup", ["vpn"]], ["old.contractor7", ["dept-eng", "git-repos"]], ["test.user", ["wiki"]]];
  const scimOrphans: Array<[string, string[]]> = [["temp.agency@partner.test", ["Chat"]], ["former.cfo@acme-old.test", [SOD_B, "ERP reports"]], ["integration-bot@acme.test", [ADMINS]]];
  for (const [u] of ldapOrphans) planted.push({ kind: "orphan", system: "dir", account: u });
  for (const [u] of scimOrphans) planted.push({ kind: "orphan", system: "apps", account: u });

  // ---- outputs ----
  const header = "employee_id,given_name,family_name,email,department,title,level,location,manager_employee_id,employment_type,status,start_date,end_date";
  const row = (p: P, after: boolean) => {
    const m = after ? moved.get(p.eid) : undefined;
    const dept = DEPTS[m?.dept ?? p.dept]!.name;
    return [p.eid, p.given, p.family, p.email, dept, m?.title ?? p.title, m?.level ?? p.level, p.location, p.manager ?? "", "employee", p.status, p.startDate, p.endDate ?? ""].join(",");
  };
  const hrBefore = [header, ...people.map((p) => row(p, false))].join("\n") + "\n";
  const hrNow = [header, ...people.map((p) => row(p, true))].join("\n") + "\n";

  const groupsOf = (m: Map<string, Set<string>>, extra: Array<[string, string[]]>) => {
    const g = new Map<string, string[]>();
    for (const [u, gs] of [...m].map(([u, s]) => [u, [...s]] as [string, string[]]).concat(extra)) for (const x of gs) g.set(x, [...(g.get(x) ?? []), u]);
    return g;
  };
  const byUid = new Map(people.map((p) => [p.uid, p]));
  const dirGroups = [...groupsOf(dir, ldapOrphans)].map(([cn, members]) => ({ cn, description: `${cn} (existing group)`, members }));
  const appGroups = [...groupsOf(apps, scimOrphans)].map(([displayName, members]) => ({ displayName, members: members.map((u) => byUid.get(u)?.email ?? u) }));
  const ldapUsers: LdapUser[] = [...people.map((p) => ({ uid: p.uid, givenName: p.given, sn: p.family, mail: p.email })), ...ldapOrphans.map(([u]) => ({ uid: u, givenName: u, sn: "Account" }))];
  const scimUsers: ScimUser[] = [
    ...people.map((p) => ({ userName: p.email, givenName: p.given, familyName: p.family, email: p.email })),
    ...scimOrphans.map(([u]) => ({ userName: u, givenName: u.split("@")[0]!, familyName: "Account", email: u })),
  ];
  const usageCsv = ["account,last_used", ...people.map((p) => `${p.email},${dormant.has(p.uid) ? day(-200) : day(-Math.floor(rnd() * 21))}`)].join("\n") + "\n";
  const count = (m: Map<string, Set<string>>) => [...m.values()].reduce((s, x) => s + x.size, 0);
  return {
    people: people.length, admin: people.find((p) => DEPTS[p.dept]!.slug === "it")!.email, hrBefore, hrNow,
    ldap: { users: ldapUsers, groups: dirGroups },
    scim: { users: scimUsers, groups: appGroups },
    usageCsv, planted, sod: { sideA: SOD_A, sideB: SOD_B }, privileged: [ADMINS, "prod-deploy"],
    memberships: { dir: count(dir), apps: count(apps) },
  };
}
