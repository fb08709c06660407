/**
 * Access-request risk, SoD check and status roll-ups (pure).
 *
 * Inputs (assessRequestRisk): one requested entitlement with its level, privilege and sensitivity; the
 * beneficiary's peer adoption (share of comparable colleagues holding it) and the department-wide share
 * ("is this unusual for the team?"); the separation-of-duties conflicts the request would create; the
 * beneficiary's employment type; and, when the portal has at least MIN_HISTORY past human decisions, the
 * learned model's p_approve (lib/domain/risk) with its top reasons.
 * Output: a score 0..10 (10 = riskiest, one decimal) and the list of reasons, each with the points it added,
 * so the score is the sum of its reasons (clipped), and anyone can recompute it from the audit record.
 *
 * Method: an additive points table (a transparent scorecard, the way credit scorecards are published):
 *   base   learned model: 0.4 × riskScore(p_approve)  (0..4)   |   no model yet: a fixed prior of 1
 *   level  read 0 · edit +1 · admin +2
 *   sensitivity  low 0 · medium +0.5 · high +1.5 · critical +3;  privileged +2
 *   peers  ≥ 50% of peers hold it −1 · 20–50% 0 · < 20% +1 · no comparable colleagues +1
 *   anomaly  "unusual for this team": < 5% of a department of ≥ 5 people hold it, and < 20% of peers: +1.5
 *   SoD    each "require_approval" conflict +3; any "block" conflict → 10
 *   employment  contractor +1 · intern +0.5
 * The routing policy (lib/domain/routing.ts) then auto-approves at ≤ 3 with ≥ 50% peer adoption, so a read-only,
 * low-sensitivity entitlement most peers hold scores 0 and is approved automatically; anything privileged or
 * critical goes to the owner and security whatever its score. Complexity O(1) per item.
 */

export type Sensitivity = "low" | "medium" | "high" | "critical";
export type Level = "read" | "edit" | "admin";
export type SodAction = "block" | "require_approval";
export type SodConflict = { policyId: string; policyName: string; action: SodAction; withEntitlementIds: string[] };
export type RiskReason = { factor: string; text: string; weight: number };

export const MIN_HISTORY = 50;
export const PEER_THRESHOLD = 0.5;

export type ModelOpinion = { pApprove: number; modelScore: number; decisions: number; reasons: string[] };

export type RequestRiskInput = {
  label: string;
  level: Level;
  privileged: boolean;
  sensitivity: Sensitivity;
  /** Share 0..1 of the peer group holding it; peerCount = size of the peer group (0 = nobody to compare with). */
  peerAdoption: number;
  peerCount: number;
  peerGroup: string;
  /** Share 0..1 of the beneficiary's department holding it, and the department's size (beneficiary excluded). */
  teamShare: number;
  teamSize: number;
  team: string;
  sodConflicts: Array<Pick<SodConflict, "policyName" | "action">>;
  employmentType: string;
  /** The learned model's opinion, when there is enough history; null otherwise. */
  model: ModelOpinion | null;
  /** Number of past human decisions (explains why the model is or is not used). */
  historySize: number;
};

export type RequestRisk = { score: number; reasons: RiskReason[] };

const pct = (x: number) => `${Math.round(x * 100)}%`;
const round1 = (x: number) => Math.round(x * 10) / 10;

export function assessRequestRisk(i: RequestRiskInput): RequestRisk {
  const reasons: RiskReason[] = [];
  const add = (factor: string, weight: number, text: string) => reasons.push({ factor, weight: round1(weight), text });

  if (i.model) {
    add(
      "history",
      0.4 * i.model.modelScore,
      `Learned from ${i.model.decisions} past decisions: requests like this are approved ${pct(i.model.pApprove)} of the time (model risk ${i.model.modelScore}/10 × 0.4)` +
        (i.model.reasons.length ? `; ${i.model.reasons.slice(0, 2).join("; ")}` : ""),
    );
  } else {
    add("prior", 1, `Only ${i.historySize} past decision${i.historySize === 1 ? "" : "s"} (the learned model needs ${MIN_HISTORY}), so a fixed prior of 1 is used`);
  }

  if (i.level === "edit") add("level", 1, "Edit access (can change data)");
  else if (i.level === "admin") add("level", 2, "Administrator access");

  if (i.sensitivity === "medium") add("sensitivity", 0.5, "Medium-sensitivity access");
  else if (i.sensitivity === "high") add("sensitivity", 1.5, "Highly sensitive access");
  else if (i.sensitivity === "critical") add("sensitivity", 3, "Critical access");
  if (i.privileged) add("privileged", 2, "Privileged access");

  const peerShare = Number.isFinite(i.peerAdoption) ? Math.min(1, Math.max(0, i.peerAdoption)) : 0;
  if (i.peerCount <= 0) add("peers", 1, "No comparable colleagues to compare with");
  else if (peerShare >= PEER_THRESHOLD) add("peers", -1, `${pct(peerShare)} of ${i.peerGroup} (${i.peerCount}) already hold it`);
  else if (peerShare >= 0.2) add("peers", 0, `${pct(peerShare)} of ${i.peerGroup} (${i.peerCount}) hold it`);
  else add("peers", 1, `Only ${pct(peerShare)} of ${i.peerGroup} (${i.peerCount}) hold it`);

  if (i.teamSize >= 5 && i.teamShare < 0.05 && (i.peerCount <= 0 || peerShare < 0.2))
    add("anomaly", 1.5, `Unusual for this team: only ${pct(i.teamShare)} of ${i.team} (${i.teamSize} people) hold it`);

  let blocked = false;
  for (const c of i.sodConflicts) {
    if (c.action === "block") {
      blocked = true;
      add("sod", 10, `Would break the separation-of-duties policy "${c.policyName}" (no exceptions)`);
    } else add("sod", 3, `Conflicts with the separation-of-duties policy "${c.policyName}"`);
  }

  if (i.employmentType === "contractor") add("employment", 1, "The person is a contractor");
  else if (i.employmentType === "intern") add("employment", 0.5, "The person is an intern");

  const sum = reasons.reduce((s, r) => s + r.weight, 0);
  const score = blocked ? 10 : round1(Math.min(10, Math.max(0, sum)));
  return { score, reasons };
}

/** Plain strings for the routing policy ("+1.5 Unusual for this team ..."). */
export function reasonTexts(reasons: RiskReason[]): string[] {
  return reasons.filter((r) => r.weight !== 0).map((r) => `${r.weight > 0 ? "+" : ""}${r.weight} ${r.text}`);
}

// ---------------------------------------------------------------------------------------------
// Separation of duties

export type SodPolicyDef = { id: string; name: string; action: SodAction; a: string[]; b: string[] };

/**
 * Conflicts each requested entitlement would create. A policy conflicts when the final set (held ∪ requested)
 * has an entitlement of side a and one of side b; it is charged to a requested entitlement when that entitlement
 * is on one side and the other side is present. A conflict that exists already without the request is not
 * the request's doing and is not charged. O(P · (a + b)).
 */
export function sodConflictsFor(held: Iterable<string>, requested: string[], policies: SodPolicyDef[]): Map<string, SodConflict[]> {
  const heldSet = new Set(held);
  const all = new Set([...heldSet, ...requested]);
  const out = new Map<string, SodConflict[]>(requested.map((r) => [r, []]));
  for (const p of policies) {
    for (const [mine, other] of [[p.a, p.b], [p.b, p.a]] as const) {
      const present = other.filter((e) => all.has(e));
      if (!present.length) continue;
      for (const r of requested) {
        if (!mine.includes(r) || heldSet.has(r)) continue;
        const list = out.get(r)!;
        if (list.some((c) => c.policyId === p.id)) continue;
        list.push({ policyId: p.id, policyName: p.name, action: p.action, withEntitlementIds: present.filter((e) => e !== r) });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Status roll-ups

export type ItemStatus = "pending" | "approved" | "denied" | "cancelled" | "fulfilled" | "expired";
export type RequestStatus = "pending" | "approved" | "denied" | "partially_approved" | "cancelled" | "fulfilled";

/** A request's status from its items': pending while any is pending; then approved / denied / mixed. */
export function requestStatusOf(items: ItemStatus[]): RequestStatus {
  if (!items.length || items.some((s) => s === "pending")) return "pending";
  const granted = items.filter((s) => s === "approved" || s === "fulfilled" || s === "expired").length;
  const denied = items.filter((s) => s === "denied").length;
  if (items.every((s) => s === "cancelled")) return "cancelled";
  if (granted && denied) return "partially_approved";
  if (denied) return "denied";
  if (items.every((s) => s === "fulfilled")) return "fulfilled";
  return "approved";
}

export type ProvisioningState = "not_started" | "in_progress" | "provisioned" | "failed" | "manual";

/** What the operations planned for a granted item say about it (no operations = fulfilled outside the engine). */
export function provisioningStateOf(ops: Array<{ status: string }>): ProvisioningState {
  if (!ops.length) return "manual";
  if (ops.some((o) => o.status === "dead")) return "failed";
  if (ops.every((o) => o.status === "succeeded" || o.status === "cancelled")) return "provisioned";
  if (ops.some((o) => o.status === "running" || o.status === "queued" || o.status === "failed")) return "in_progress";
  return "not_started";
}
