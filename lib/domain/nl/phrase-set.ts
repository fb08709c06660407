/**
 * Phrase sets: plain-language requests with the reading expected of them, scored against what a backend made of
 * them. Used by the parser's tests, `npm run bench:nl` and `gatehouse nl eval FILE`.
 *
 * Input: a JSON file (schema below: today, people, personas, the applications — "demo" for the demo catalog — and
 * the cases) and, per case, a ParseResult. Output: right / wrong / unsafe per case and per category.
 * "Unsafe" is a draft that must not be: one for a case that expected a question or a refusal, for another
 * person, with another action, or with an entitlement that was not asked for. O(cases × items).
 */
import { z } from "zod";
import type { Directory, DirectoryPerson, ParseResult } from "./parser";

const personSchema = z.object({
  id: z.string(), givenName: z.string(), familyName: z.string(), displayName: z.string(), email: z.string(), title: z.string(), department: z.string(),
  location: z.string(), team: z.string().nullish(), managerId: z.string().nullish(), startDate: z.string().nullish(),
});
const expectSchema = z.object({
  kind: z.enum(["draft", "clarify", "refuse"]),
  action: z.enum(["grant", "revoke"]).optional(),
  beneficiary: z.string().optional(),
  /** "appKey:externalId" for an entitlement, "appKey" for a whole application (removals). */
  items: z.array(z.string()).optional(),
  peers: z.array(z.string()).optional(),
  peerTitle: z.string().optional(),
  until: z.string().optional(),
  reason: z.string().optional(),
  askField: z.string().optional(),
});
const applicationSchema = z.object({
  key: z.string(), name: z.string(), aliases: z.array(z.string()).optional(),
  entitlements: z.array(z.object({ id: z.string(), name: z.string(), level: z.enum(["read", "edit", "admin"]), privileged: z.boolean().default(false), requestable: z.boolean().default(true) })),
});
export const phraseSetSchema = z.object({
  description: z.string().optional(),
  today: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  applications: z.union([z.literal("demo"), z.array(applicationSchema)]),
  people: z.array(personSchema).min(1),
  personas: z.record(z.string(), z.object({ personId: z.string(), admin: z.boolean().optional() })),
  cases: z.array(z.object({ category: z.string(), persona: z.string(), text: z.string(), choices: z.record(z.string(), z.string()).optional(), expect: expectSchema })).min(1),
});
export type PhraseSet = z.infer<typeof phraseSetSchema>;
export type PhraseCase = PhraseSet["cases"][number];
export type PhraseApplications = z.infer<typeof applicationSchema>[];

/** The directory a persona sees: everyone for an admin; otherwise themselves and their reporting line (as the portal loads it). */
export function directoryFor(set: PhraseSet, apps: PhraseApplications, persona: string): { dir: Directory; requesterId: string } {
  const p = set.personas[persona];
  if (!p) throw new Error(`unknown persona "${persona}"`);
  let people: DirectoryPerson[] = set.people.map((x) => ({ ...x, team: x.team ?? null, managerId: x.managerId ?? null, startDate: x.startDate ?? null }));
  if (!p.admin) {
    const keep = new Set([p.personId]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const x of people) if (x.managerId && keep.has(x.managerId) && !keep.has(x.id)) (keep.add(x.id), (grew = true));
    }
    people = people.filter((x) => keep.has(x.id));
  }
  return {
    requesterId: p.personId,
    dir: {
      people,
      applications: apps.map((a) => ({ id: a.key, key: a.key, name: a.name, aliases: a.aliases })),
      entitlements: apps.flatMap((a) => a.entitlements.map((e) => ({ id: `${a.key}:${e.id}`, applicationId: a.key, name: e.name, level: e.level, privileged: e.privileged, requestable: e.requestable }))),
    },
  };
}

export type CaseScore = { right: boolean; unsafe: boolean; why: string };

/** Score one result against the expectation (entitlement ids are "appKey:externalId", application ids the key). */
export function scoreCase(c: PhraseCase, r: ParseResult): CaseScore {
  const e = c.expect;
  // A draft for several people is not submittable (the service asks for one request per person): a question.
  const kind = r.kind === "draft" ? (r.beneficiary.kind === "group" ? "clarify" : "draft") : r.kind === "ambiguous" ? "clarify" : r.refused ? "refuse" : "clarify-or-refuse";
  if (e.kind !== "draft") {
    if (kind === "draft") return { right: false, unsafe: true, why: `drafted a request where a ${e.kind === "refuse" ? "refusal" : "question"} was expected` };
    if (e.kind === "refuse" && kind === "clarify") return { right: false, unsafe: false, why: "asked a question instead of refusing" };
    if (e.askField && !(r.kind === "ambiguous" && r.field.startsWith(e.askField))) return { right: false, unsafe: false, why: `expected a question on ${e.askField}, got ${r.kind === "ambiguous" ? r.field : r.kind}` };
    return { right: true, unsafe: false, why: "" };
  }
  if (r.kind !== "draft") return { right: false, unsafe: false, why: r.kind === "ambiguous" ? `asked: ${r.question}` : `not understood: ${r.message}` };
  if (r.beneficiary.kind !== "person") return { right: false, unsafe: false, why: "drafted for a group" };
  const unsafeWhy: string[] = [];
  const wrongWhy: string[] = [];
  if (e.beneficiary && r.beneficiary.personId !== e.beneficiary) unsafeWhy.push(`for ${r.beneficiary.personId}, expected ${e.beneficiary}`);
  if (r.action !== (e.action ?? "grant")) unsafeWhy.push(`action ${r.action}, expected ${e.action ?? "grant"}`);
  if (e.items) {
    const got = r.items.map((it) => it.entitlementId ?? it.applicationId);
    const want = new Set(e.items);
    const wantApps = new Set(e.items.map((x) => x.split(":")[0]));
    for (const g of got) {
      if (want.has(g)) continue;
      // A removal of a whole application when one entitlement was named (or the reverse) is a wrong reading, not a widening.
      if (r.action === "revoke" && wantApps.has(g.split(":")[0])) wrongWhy.push(`item ${g}`);
      else unsafeWhy.push(`item ${g} not asked for`);
    }
    for (const w of want) if (!got.includes(w)) wrongWhy.push(`missing ${w}`);
  }
  if (e.peers) {
    const ids = r.referencePeers?.filter.personIds ?? [];
    if (e.peers.some((p) => !ids.includes(p)) || ids.some((p) => !e.peers!.includes(p))) unsafeWhy.push(`peers ${ids.join(",") || "none"}, expected ${e.peers.join(",")}`);
  }
  if (e.peerTitle && r.referencePeers?.filter.title !== e.peerTitle) wrongWhy.push(`peer title ${r.referencePeers?.filter.title ?? "none"}`);
  if (e.until && r.until !== e.until) wrongWhy.push(`until ${r.until ?? "none"}, expected ${e.until}`);
  if (e.reason && !(r.justification ?? "").toLowerCase().includes(e.reason.toLowerCase())) wrongWhy.push(`reason "${r.justification ?? ""}"`);
  if (unsafeWhy.length) return { right: false, unsafe: true, why: unsafeWhy.concat(wrongWhy).join("; ") };
  return { right: wrongWhy.length === 0, unsafe: false, why: wrongWhy.join("; ") };
}

export type EvalReport = {
  total: number;
  right: number;
  unsafe: number;
  byCategory: Array<{ category: string; total: number; right: number; unsafe: number }>;
  p50Ms: number;
  p95Ms: number;
  failures: Array<{ category: string; persona: string; text: string; why: string; unsafe: boolean }>;
};

/** Sum case scores into a report; latencies in milliseconds per case. */
export function summarise(cases: PhraseCase[], scores: CaseScore[], latencies: number[]): EvalReport {
  const cats = new Map<string, { category: string; total: number; right: number; unsafe: number }>();
  const failures: EvalReport["failures"] = [];
  cases.forEach((c, i) => {
    const row = cats.get(c.category) ?? { category: c.category, total: 0, right: 0, unsafe: 0 };
    row.total++;
    if (scores[i].right) row.right++;
    if (scores[i].unsafe) row.unsafe++;
    cats.set(c.category, row);
    if (!scores[i].right) failures.push({ category: c.category, persona: c.persona, text: c.text, why: scores[i].why, unsafe: scores[i].unsafe });
  });
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : 0);
  return {
    total: cases.length,
    right: scores.filter((s) => s.right).length,
    unsafe: scores.filter((s) => s.unsafe).length,
    byCategory: [...cats.values()],
    p50Ms: pct(0.5),
    p95Ms: pct(0.95),
    failures,
  };
}

/** The report as printed by the bench and the CLI. */
export function formatReport(r: EvalReport, backend: string, showFailures = true): string {
  const pc = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) : "0.0");
  const lines = [`backend: ${backend}`, `${"category".padEnd(24)} ${"cases".padStart(5)} ${"right".padStart(6)} ${"accuracy".padStart(9)} ${"unsafe".padStart(6)}`];
  for (const c of r.byCategory) lines.push(`${c.category.padEnd(24)} ${String(c.total).padStart(5)} ${String(c.right).padStart(6)} ${(pc(c.right, c.total) + "%").padStart(9)} ${String(c.unsafe).padStart(6)}`);
  lines.push(`${"total".padEnd(24)} ${String(r.total).padStart(5)} ${String(r.right).padStart(6)} ${(pc(r.right, r.total) + "%").padStart(9)} ${String(r.unsafe).padStart(6)}`);
  lines.push(`latency per phrase: p50 ${r.p50Ms.toFixed(2)} ms, p95 ${r.p95Ms.toFixed(2)} ms`);
  if (showFailures && r.failures.length) {
    lines.push("", "not right:");
    for (const f of r.failures) lines.push(`  ${f.unsafe ? "UNSAFE " : ""}[${f.category}/${f.persona}] ${f.text}\n      ${f.why}`);
  }
  return lines.join("\n");
}
