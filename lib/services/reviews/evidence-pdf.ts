/**
 * exportEvidencePdf (admins, auditors; the same permission as the CSV): a printable evidence report of one
 * campaign. It opens with what an auditor asks first — the counts, the exceptions (access kept although removal
 * was recommended, with who and why) and the revocations (who lost what, decided by whom, and whether the
 * system confirmed it) — then the campaign, agreement figures, the audit chain head and how to verify it, and
 * last every item with its recommendation and reasons, decision, who and when, comment, receipt and audit seq.
 * Rendering is lib/pdf (pdfkit with embedded Unicode fonts: any name renders as written), on the analytics thread.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { decisionAudit, evidenceItems, orphanDecisionAudit, orphanItemsOf, receiptsFor } from "@/db/queries/reviews";
import { auditHead, reviewCampaigns, type CampaignScope } from "@/db/schema";
import { can } from "@/lib/auth/can";
import { runAnalyticsInThread } from "@/lib/jobs/thread";
import type { PdfLine } from "@/lib/pdf";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";
import { pct, shadowAgreement } from "./auto-decide";
import { automationMetrics } from "./evidence";
import { orphanOutcome } from "./orphans";

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString().replace(".000Z", "Z") : "-");

function scopeText(s: CampaignScope): string {
  const parts: string[] = [];
  if (s.applicationIds?.length) parts.push(`${s.applicationIds.length} application(s): ${s.applicationIds.join(", ")}`);
  if (s.entitlementIds?.length) parts.push(`${s.entitlementIds.length} entitlement(s): ${s.entitlementIds.join(", ")}`);
  if (s.departments?.length) parts.push(`departments: ${s.departments.join(", ")}`);
  if (s.privilegedOnly) parts.push("privileged access only");
  if (s.changedSince) parts.push(`granted since ${s.changedSince}`);
  if (s.orphanAccounts) parts.push("orphan accounts of the covered applications");
  if (s.team) parts.push(`team review: ${s.team.indirect ? "everyone below" : "the direct reports of"} manager ${s.team.managerId}${s.team.personIds?.length ? ` (${s.team.personIds.length} chosen: ${s.team.personIds.join(", ")})` : ""}`);
  return parts.length ? parts.join("; ") : "all active access";
}

export async function exportEvidencePdf({ ctx, input, now = new Date() }: { ctx: Ctx; input: { campaignId: string }; now?: Date }): Promise<{ filename: string; pdf: Uint8Array; items: number }> {
  if (!can(ctx.actor, "review.evidence")) throw new ForbiddenError();
  const id = z.string().uuid().safeParse(input.campaignId);
  if (!id.success) throw new NotFoundError("No such campaign.");
  const [c] = await ctx.db.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, id.data));
  if (!c) throw new NotFoundError("No such campaign.");
  const rows = await evidenceItems(ctx.db, c.id);
  const [receipts, audit, metrics, shadow, [head]] = await Promise.all([
    receiptsFor(ctx.db, c.id, rows.map((r) => r.item.id)),
    decisionAudit(ctx.db, c.id),
    automationMetrics({ ctx, input: { campaignId: c.id } }),
    shadowAgreement(ctx.db, c),
    ctx.db.select().from(auditHead).where(eq(auditHead.id, 1)),
  ]);

  const L: PdfLine[] = [];
  const h = (text: string) => L.push({ text, bold: true, size: 12, spaceBefore: 10 });
  const kv = (k: string, v: string) => L.push(`${k}: ${v}`);
  L.push({ text: `Access review evidence: ${c.name}`, bold: true, size: 16 });
  L.push({ text: `Generated ${iso(now)} by ${ctx.actor.name || ctx.actor.email}`, size: 8 });

  const byRec = { no_action: 0, review: 0, remove: 0 };
  const byDec = { keep: 0, revoke: 0, undecided: 0 };
  let human = 0;
  let auto = 0;
  for (const { item } of rows) {
    byRec[item.recommendation] += 1;
    byDec[item.decision ?? "undecided"] += 1;
    if (item.decision && item.decidedById) human += 1;
    else if (item.decision && item.comment?.startsWith("auto-decided:")) auto += 1;
  }
  const whoOf = (item: (typeof rows)[number]["item"], name: string | null) =>
    item.decision ? (name ?? (item.comment?.startsWith("auto-decided:") ? "auto-decision (system)" : "default decision (system)")) : "";
  h("Summary");
  kv("Items", `${rows.length} (${byDec.keep} kept, ${byDec.revoke} revoked, ${byDec.undecided} undecided)`);
  kv("By recommendation", `no action ${byRec.no_action}, review ${byRec.review}, remove ${byRec.remove}`);
  kv("By decision", `keep ${byDec.keep}, revoke ${byDec.revoke}, undecided ${byDec.undecided}`);
  kv("Decided by", `reviewers ${human}, auto-decision ${auto}, default at due date ${byDec.keep + byDec.revoke - human - auto}`);
  const exceptions = rows.filter(({ item }) => item.recommendation === "remove" && item.decision === "keep");
  h(`Exceptions: access kept although removal was recommended (${exceptions.length})`);
  if (exceptions.length === 0) L.push("None.");
  for (const { item, ...n } of exceptions)
    L.push({ indent: 10, size: 9, text: `${n.personName} (${n.employeeId}) - ${n.applicationName} / ${n.entitlementName}: kept by ${whoOf(item, n.decidedByName)} on ${iso(item.decidedAt)}; recommended: ${(item.reasons?.[0] ?? "").replace(/^removal recommended: /, "")}; reason given: ${item.comment ?? "-"}` });
  const revocations = rows.filter(({ item }) => item.decision === "revoke");
  h(`Revocations (${revocations.length})`);
  if (revocations.length === 0) L.push("None.");
  for (const { item, ...n } of revocations) {
    const r = receipts.get(item.id);
    const done = r ? (r.finishedAt && r.status === "succeeded" ? `removed in the system at ${iso(r.finishedAt)}` : `removal ${r.status}`) : "no provisioning receipt";
    L.push({ indent: 10, size: 9, text: `${n.personName} (${n.employeeId}) - ${n.applicationName} / ${n.entitlementName}: revoked by ${whoOf(item, n.decidedByName)} on ${iso(item.decidedAt)}; ${done}${item.comment ? `; comment: ${item.comment}` : ""}` });
  }

  h("Campaign");
  kv("Campaign id", c.id);
  kv("Status", c.status);
  kv("Scope", scopeText(c.scope ?? {}));
  kv("Reviewers", c.reviewerKind.replace(/_/g, " ") + (c.secondStage === "security" ? "; privileged access kept goes to a security second stage" : ""));
  kv("Created", iso(c.createdAt));
  kv("Started", iso(c.startsAt));
  kv("Due", iso(c.dueAt));
  kv("Closed", iso(c.closedAt));
  kv("Default decision at the due date", c.defaultDecision);
  kv("Auto-decision", c.autoDecide);

  h("Agreement with the recommendations (human decisions only)");
  const m = metrics.byRecommendation;
  kv("No action -> kept", `${pct(m.no_action.agreement)} (${m.no_action.kept} of ${m.no_action.decided} decided)`);
  kv("Remove -> revoked", `${pct(m.remove.agreement)} (${m.remove.revoked} of ${m.remove.decided} decided)`);
  kv("Review", `${m.review.kept} kept, ${m.review.revoked} revoked of ${m.review.decided} decided`);
  kv("False revokes", `${metrics.falseRevokes.reRequestedWithin30Days} of ${metrics.falseRevokes.revoked} revoked were requested again within 30 days (${pct(metrics.falseRevokes.rate)})`);
  if (shadow.hadShadow) kv("Shadow auto-decision", `${shadow.shadowItems} items would have been kept; reviewers kept ${shadow.kept} of the ${shadow.decided} they decided (${pct(shadow.agreement)})`);

  h("Audit chain");
  kv("Chain head", head ? `seq ${head.seq}, hash ${head.hash}` : "-");
  L.push("Each decision below cites the seq of its audit event. Verify the whole hash chain with:");
  L.push({ text: "npm run gatehouse -- audit verify", bold: true, indent: 20 });
  L.push("The same items with the event hashes are in the evidence CSV (/api/v1/reviews/<id>/evidence.csv).");

  h(`All items (${rows.length})`);
  rows.forEach(({ item, ...n }, i) => {
    const r = receipts.get(item.id);
    const a = audit.get(item.id);
    const who = whoOf(item, n.decidedByName);
    L.push({ text: `${i + 1}. ${n.personName} (${n.employeeId}) - ${n.applicationName} / ${n.entitlementName}`, bold: true, spaceBefore: 6 });
    const ind = { indent: 14, size: 9 };
    L.push({ ...ind, text: `Reviewer: ${n.reviewerName ?? "-"}${item.stage === "second" ? " (second stage)" : ""}` });
    L.push({ ...ind, text: `Recommendation: ${item.recommendation.replace("_", " ")}${item.reasons?.length ? ` - ${item.reasons.join("; ")}` : ""}` });
    if (item.stale) L.push({ ...ind, text: `Data: ${item.stale}` });
    L.push({ ...ind, text: item.decision ? `Decision: ${item.decision.toUpperCase()} by ${who} at ${iso(item.decidedAt)}` : "Decision: undecided" });
    if (item.comment) L.push({ ...ind, text: `Comment: ${item.comment}` });
    if (r) L.push({ ...ind, text: `Provisioning: ${r.kind} ${r.id} ${r.status}${r.finishedAt ? ` at ${iso(r.finishedAt)}` : ""}` });
    L.push({ ...ind, text: `Audit: ${a ? `seq ${a.seq}` : "-"}` });
  });

  const [orphans, orphanAudit] = await Promise.all([orphanItemsOf(ctx.db, c.id), orphanDecisionAudit(ctx.db, c.id)]);
  if (orphans.length) {
    h(`Orphan accounts (${orphans.length}): accounts that match no person`);
    L.push({ size: 9, text: "Decided by the application owner: link to a person, keep as a service account (owner and expiry), or disable. Undecided ones get no default." });
    orphans.forEach((o, i) => {
      const a = orphanAudit.get(o.item.id);
      const ind = { indent: 14, size: 9 };
      L.push({ text: `${i + 1}. ${o.applicationName} / account ${o.userName}`, bold: true, spaceBefore: 6 });
      L.push({ ...ind, text: `Reviewer: ${o.reviewerName ?? "-"}` });
      if (o.item.reasons?.length) L.push({ ...ind, text: `Found: ${o.item.reasons.join("; ")}` });
      L.push({ ...ind, text: o.item.decision ? `Decision: ${o.item.decision.toUpperCase()} by ${o.decidedByName ?? "-"} at ${iso(o.item.decidedAt)} - ${orphanOutcome(o) ?? ""}` : "Decision: undecided" });
      if (o.item.comment) L.push({ ...ind, text: `Comment: ${o.item.comment}` });
      if (o.operation?.id) L.push({ ...ind, text: `Provisioning: ${o.operation.kind} ${o.operation.id} ${o.operation.status}${o.operation.finishedAt ? ` at ${iso(o.operation.finishedAt)}` : ""}` });
      L.push({ ...ind, text: `Audit: ${a ? `seq ${a.seq}` : "-"}` });
    });
  }

  // On a worker thread: a campaign of thousands of items takes pdfkit minutes of CPU, which in this event loop
  // would stall every other request of the portal.
  const pdf = await runAnalyticsInThread("renderPdf", { lines: L, options: { title: `Access review evidence: ${c.name}`, author: "Gatehouse", creationDate: now } });
  const safe = c.name.replace(/[^A-Za-z0-9_-]+/g, "-").slice(0, 60);
  return { filename: `review-evidence-${safe}.pdf`, pdf, items: rows.length };
}
