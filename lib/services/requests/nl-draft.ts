/**
 * nlDraft: "Describe what you need" → a draft for the requester to confirm. Never submits.
 *
 * The parser (lib/domain/nl/parser.ts) gets a directory loaded from the database: the applications and their
 * entitlements, and the people the actor may request for (themselves and their reporting line; admins: everyone
 * active), so it cannot resolve names the actor has no business with. An "ambiguous" result is passed back with its
 * question; the page calls again with `choices`. Reference peers ("the same access as the other solutions engineers
 * on the East Coast team") become the requestable entitlements held by ≥ 50% of those peers that the beneficiary
 * lacks: attribute filters are matched in SQL across the organisation (only shares leave the database, not names).
 */
import { and, eq, ne, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { inReportingLine } from "@/db/queries/people";
import { entitlementsByIds, heldEntitlementIds, holdersAmong } from "@/db/queries/requests";
import { applications, entitlements, people } from "@/db/schema";
import { can, has } from "@/lib/auth/can";
import { PEER_THRESHOLD } from "@/lib/domain/request-risk";
import { describeDraft, parseRequest, type Directory, type PeerFilter } from "@/lib/domain/nl/parser";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import { nowOf, type Ctx } from "@/lib/services/context";
import { interpretWithLlm, type LlmConfig } from "./nl-llm";

export const nlDraftInput = z.object({
  text: z.string().max(2000),
  choices: z.record(z.string(), z.string().max(200)).optional(),
});

export type DraftLine = {
  entitlementId: string;
  label: string;
  privileged: boolean;
  maxDurationDays: number | null;
  why: string;
};
export type NlDraftResult =
  | { kind: "ambiguous"; question: string; field: string; options: Array<{ id: string; label: string }> }
  | { kind: "not_understood"; message: string; suggestions: string[] }
  | {
      kind: "draft";
      sentence: string;
      explanation: string[];
      beneficiary: { id: string; displayName: string } | null;
      items: DraftLine[];
      durationDays: number | null;
      justification: string;
      originalText: string;
      submittable: boolean;
      problems: string[];
    };

const today = (d: Date) => d.toISOString().slice(0, 10);

export async function loadDirectory(ctx: Ctx): Promise<Directory> {
  const everyone = has(ctx.actor, "admin") && !ctx.actor.agent;
  // An agent speaks for its sponsor: the sponsor and the sponsor's line.
  const anchor = ctx.actor.agent?.sponsorId ?? ctx.actor.personId;
  const scope: SQL = everyone ? ne(people.status, "terminated") : and(ne(people.status, "terminated"), sql`(${people.id} = ${anchor} OR ${inReportingLine(anchor)})`)!;
  const [ps, apps, ents] = await Promise.all([
    ctx.db
      .select({
        id: people.id, displayName: people.displayName, givenName: people.givenName, familyName: people.familyName, email: people.email,
        title: people.title, department: people.department, location: people.location, managerId: people.managerId, team: sql<string | null>`${people.attributes}->>'team'`,
        startDate: sql<string | null>`${people.startDate}::text`,
      })
      .from(people)
      .where(scope),
    ctx.db.select({ id: applications.id, key: applications.key, name: applications.name, aliases: applications.aliases }).from(applications).where(eq(applications.enabled, true)),
    ctx.db.select({ id: entitlements.id, applicationId: entitlements.applicationId, name: entitlements.name, level: entitlements.level, privileged: entitlements.privileged, requestable: entitlements.requestable }).from(entitlements),
  ]);
  return { people: ps, applications: apps, entitlements: ents };
}

export async function nlDraft({ ctx, input: raw, now, llm, fetchImpl }: { ctx: Ctx; input: unknown; now?: Date; llm?: LlmConfig | null; fetchImpl?: typeof fetch }): Promise<NlDraftResult> {
  if (!can(ctx.actor, "request.view")) throw new ForbiddenError();
  const parsed = nlDraftInput.safeParse(raw);
  if (!parsed.success) throw new ValidationError("Type what you need.");
  const { text, choices } = parsed.data;
  now ??= nowOf(ctx);
  const dir = await loadDirectory(ctx);
  // "me" in an agent's text is its sponsor (an agent never requests access for itself).
  const opts = { requesterId: ctx.actor.agent?.sponsorId ?? ctx.actor.personId, today: today(now), choices };
  // The model (when configured) only proposes a reading; the parser resolves it against the same directory, and
  // everything below (permissions, requestability, duration limits) applies to both alike.
  const r = llm ? (await interpretWithLlm({ text, dir, opts, config: llm, fetchImpl })).result : parseRequest(text, dir, opts);
  if (r.kind !== "draft") return r.kind === "not_understood" ? { kind: r.kind, message: r.message, suggestions: r.suggestions } : r;

  const problems: string[] = [];
  if (r.action === "revoke") problems.push("Removing access is done in an access review or by the application owner; this form only requests new access.");
  let beneficiary: { id: string; displayName: string } | null = null;
  if (r.beneficiary.kind === "person") beneficiary = { id: r.beneficiary.personId, displayName: r.beneficiary.displayName };
  else problems.push(`The request names ${r.beneficiary.personIds.length} people; file one request per person.`);
  if (beneficiary && !can(ctx.actor, "request.create", { kind: "request", beneficiaryId: beneficiary.id, requesterId: ctx.actor.personId }))
    problems.push(`You can request access only for yourself or for people in your reporting line.`);

  const held = new Set(beneficiary ? await heldEntitlementIds(ctx.db, beneficiary.id, now) : []);
  const lines: DraftLine[] = [];
  const wanted = new Map<string, string>();
  for (const it of r.items) {
    const entId = it.entitlementId;
    if (!entId) {
      // The parser asks when a role is not certain; an item without one is never filled in with a guess.
      problems.push(`Name the role you need for "${it.text}".`);
      continue;
    }
    wanted.set(entId, `you asked for "${it.text}"`);
  }
  if (r.referencePeers && beneficiary) {
    const peerIds = await peersMatching(ctx, r.referencePeers.filter, beneficiary.id);
    if (!peerIds.length) problems.push(`Nobody matches "${r.referencePeers.description}".`);
    const counts = await holdersAmong(ctx.db, peerIds, now);
    for (const c of counts) {
      const share = Number(c.n) / peerIds.length;
      if (share >= PEER_THRESHOLD && !wanted.has(c.id)) wanted.set(c.id, `${Math.round(share * 100)}% of ${r.referencePeers.description} (${peerIds.length}) hold it`);
    }
  }
  const ents = await entitlementsByIds(ctx.db, [...wanted.keys()]);
  for (const e of ents.sort((a, b) => a.applicationName.localeCompare(b.applicationName) || a.name.localeCompare(b.name))) {
    const label = `${e.applicationName} ${e.name}`;
    if (held.has(e.id)) {
      if (!r.referencePeers || wanted.get(e.id)?.startsWith("you asked")) problems.push(`${beneficiary?.displayName ?? "They"} already ha${beneficiary?.id === ctx.actor.personId ? "ve" : "s"} ${label}.`);
      continue;
    }
    if (!e.requestable) {
      problems.push(`${label} cannot be requested; ask its owner.`);
      continue;
    }
    if (r.durationDays && e.maxDurationDays != null && r.durationDays > e.maxDurationDays) problems.push(`${label} can be granted for at most ${e.maxDurationDays} days.`);
    lines.push({ entitlementId: e.id, label, privileged: e.privileged, maxDurationDays: e.maxDurationDays, why: wanted.get(e.id)! });
  }
  if (!lines.length && !problems.length) problems.push("Nothing left to request: the person already has this access.");
  return {
    kind: "draft",
    sentence: describeDraft(r, dir),
    explanation: r.explanation,
    beneficiary,
    items: lines,
    durationDays: r.durationDays ?? null,
    justification: r.justification ?? "",
    originalText: text,
    submittable: !!beneficiary && lines.length > 0 && r.action === "grant" && !problems.some((p) => /only for yourself|one request per person|Removing access|at most/.test(p)),
    problems,
  };
}

/** Active people matching a peer filter (attributes matched case-insensitively across the organisation), beneficiary excluded. */
async function peersMatching(ctx: Ctx, f: PeerFilter, beneficiaryId: string): Promise<string[]> {
  const conds: SQL[] = [eq(people.status, "active"), ne(people.id, beneficiaryId)];
  const attr: SQL[] = [];
  if (f.title) attr.push(sql`lower(${people.title}) = lower(${f.title})`);
  if (f.department) attr.push(sql`lower(${people.department}) = lower(${f.department})`);
  if (f.location) attr.push(sql`lower(${people.location}) = lower(${f.location})`);
  if (f.team) attr.push(sql`lower(${people.attributes}->>'team') = lower(${f.team})`);
  const ids = f.personIds ?? [];
  if (!attr.length && !ids.length) return [];
  const byAttr = attr.length ? and(...attr)! : sql`false`;
  const byId = ids.length ? sql`${people.id} IN (${sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `)})` : sql`false`;
  const rows = await ctx.db.select({ id: people.id }).from(people).where(and(...conds, sql`(${byAttr} OR ${byId})`)).limit(5000);
  return rows.map((r) => r.id);
}
