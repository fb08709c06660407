/**
 * Approval routing for access requests: who must approve, in which order, and why.
 *
 * Inputs: per requested item its risk score (0-10) and reasons, privilege flag, sensitivity,
 * separation-of-duties conflicts, peer adoption (share of the beneficiary's peers holding it),
 * the beneficiary (employment type, sponsor, manager), the requester, and the candidate
 * approvers (manager and the managers above, application owners, security approvers); plus an
 * editable RoutingPolicy. Output: a route (auto | manager | owner_security | blocked), ordered
 * approval stages with approver ids, reminder and escalation timing, and plain-word reasons
 * for every decision. Pure; O(items × approvers).
 *
 * Method: a rule ladder, strictest rule first, per item:
 *  1. any SoD conflict with action "block" → blocked (the policy name is in the reason);
 *  2. risk > managerMaxRisk, privileged, critical sensitivity or an SoD conflict with action
 *     "require_approval" → application owner, then security (two stages);
 *  3. risk ≤ autoApproveMaxRisk, peer adoption ≥ autoApproveMinPeerAdoption, not privileged,
 *     no SoD conflict, sensitivity below "high", and not a contractor (when
 *     contractorsNeedSponsor) → auto (no stages);
 *  4. otherwise → the manager (one stage).
 * Agents and service accounts (employmentType "agent"): like contractors, always, and never auto-approved.
 * Contractors (when contractorsNeedSponsor): their sponsor (or, lacking one, their manager)
 * takes the manager's stage, and is the first stage ahead of owner and security.
 * Self-approval: the beneficiary never approves, and neither does the requester unless
 * policy.requesterMayApprove. An excluded manager passes to the next manager up
 * (managerChain); an empty owner stage is dropped; if no stage has an eligible approver left,
 * security approves; if security has none either, the item is blocked, never self-approved.
 * A request of several items takes the strictest route of its items; its stages merge by
 * approver kind, in the order sponsor, manager, application owner, security.
 *
 * Shadow mode (shadowCompare): the policy's automatic outcomes (auto = approve, blocked = deny)
 * are compared with what people decided; routes that go to people make no automatic claim and
 * count only towards coverage.
 */

export type Sensitivity = "low" | "medium" | "high" | "critical";
export type SodConflict = { policyName: string; action: "block" | "require_approval" };
export type EmploymentType = "employee" | "contractor" | "intern" | (string & {});

export type RoutingItem = {
  /** Shown in reasons when a request has several items, e.g. "GitHub Write". */
  label?: string;
  riskScore: number;
  riskReasons: string[];
  privileged: boolean;
  sensitivity: Sensitivity;
  sodConflicts: SodConflict[];
  /** Share (0..1) of the beneficiary's peers who hold this access. */
  peerAdoption: number;
  beneficiary: { id: string; employmentType: EmploymentType; sponsorId?: string | null; managerId?: string | null };
  requesterId?: string | null;
  requesterIsBeneficiary: boolean;
  applicationOwnerIds: string[];
  securityApproverIds: string[];
  /** The beneficiary's manager (falls back to beneficiary.managerId). */
  managerId?: string | null;
  /** Managers above managerId, nearest first: where an approval goes when the manager may not approve. */
  managerChain?: string[];
};

export type RoutingPolicy = {
  autoApproveMaxRisk: number;
  autoApproveMinPeerAdoption: number;
  managerMaxRisk: number;
  contractorsNeedSponsor: boolean;
  escalationHours: number;
  reminderHours: number;
  /** Whether the person who filed a request may approve it (not the beneficiary: never). */
  requesterMayApprove?: boolean;
};

export const DEFAULT_ROUTING_POLICY: Readonly<RoutingPolicy> = Object.freeze({
  autoApproveMaxRisk: 3,
  autoApproveMinPeerAdoption: 0.5,
  managerMaxRisk: 6,
  contractorsNeedSponsor: true,
  escalationHours: 48,
  reminderHours: 24,
  requesterMayApprove: false,
});

export type Route = "auto" | "manager" | "owner_security" | "blocked";
export type ApproverKind = "manager" | "app_owner" | "security" | "sponsor";
export type Stage = {
  stage: number;
  approverKind: ApproverKind;
  approverIds: string[];
  remindAfterHours: number;
  escalateAfterHours: number;
  /** Who is asked when the stage times out. */
  escalateToIds: string[];
  /** For a multi-item request: the indexes of the items this stage decides. */
  items?: number[];
};
export type RoutingDecision = { route: Route; stages: Stage[]; reasons: string[] };
export type RequestRoutingDecision = RoutingDecision & { items: RoutingDecision[] };

const SEVERITY: Record<Route, number> = { auto: 0, manager: 1, owner_security: 2, blocked: 3 };
const KIND_ORDER: ApproverKind[] = ["sponsor", "manager", "app_owner", "security"];
const pct = (x: number) => `${Math.round(x * 100)}%`;
const num = (x: number) => String(Math.round(x * 100) / 100);

/** Problems with an edited policy, in plain words (empty when valid). */
export function validateRoutingPolicy(p: RoutingPolicy): string[] {
  const errs: string[] = [];
  const inRange = (v: number, lo: number, hi: number) => Number.isFinite(v) && v >= lo && v <= hi;
  if (!inRange(p.autoApproveMaxRisk, 0, 10)) errs.push("The auto-approval risk limit must be between 0 and 10.");
  if (!inRange(p.managerMaxRisk, 0, 10)) errs.push("The manager risk limit must be between 0 and 10.");
  if (inRange(p.autoApproveMaxRisk, 0, 10) && inRange(p.managerMaxRisk, 0, 10) && p.autoApproveMaxRisk > p.managerMaxRisk)
    errs.push("The auto-approval risk limit cannot be above the manager risk limit.");
  if (!inRange(p.autoApproveMinPeerAdoption, 0, 1)) errs.push("The peer-adoption threshold must be between 0 and 1 (0% to 100%).");
  if (!(Number.isFinite(p.reminderHours) && p.reminderHours > 0)) errs.push("Reminders must be sent after a positive number of hours.");
  if (!(Number.isFinite(p.escalationHours) && p.escalationHours > 0)) errs.push("Escalation must happen after a positive number of hours.");
  if (Number.isFinite(p.reminderHours) && Number.isFinite(p.escalationHours) && p.reminderHours >= p.escalationHours)
    errs.push("The reminder should come before the escalation.");
  return errs;
}

/** Route one requested item. */
export function routeItem(item: RoutingItem, policy: RoutingPolicy = DEFAULT_ROUTING_POLICY): RoutingDecision {
  const reasons: string[] = [];
  const invalid = validateRoutingPolicy(policy);
  if (invalid.length) return { route: "blocked", stages: [], reasons: ["The routing policy is invalid, so nothing is routed: " + invalid.join(" ")] };

  // Normalise the inputs conservatively: missing numbers never make a request easier.
  let risk = item.riskScore;
  if (!Number.isFinite(risk)) {
    risk = 10;
    reasons.push("The risk score is missing, so the item is treated as high risk.");
  }
  risk = Math.min(10, Math.max(0, risk));
  let adoption = item.peerAdoption;
  if (!Number.isFinite(adoption)) {
    adoption = 0;
    reasons.push("Peer adoption is unknown, so it counts as no peers holding it.");
  }
  adoption = Math.min(1, Math.max(0, adoption));
  const sod = item.sodConflicts ?? [];
  // AI agents and service accounts always go through their sponsor (like contractors) and are never auto-approved.
  const isAgent = item.beneficiary.employmentType === "agent";
  const isContractor = isAgent || (policy.contractorsNeedSponsor && item.beneficiary.employmentType === "contractor");

  // 1. Blocking SoD.
  const blocks = sod.filter((c) => c.action === "block");
  if (blocks.length) {
    for (const c of blocks) reasons.push(`Blocked: it would break the separation-of-duties policy "${c.policyName}", which does not allow exceptions.`);
    return { route: "blocked", stages: [], reasons };
  }

  // 2. High: owner then security.
  const high: string[] = [];
  if (risk > policy.managerMaxRisk) high.push(`its risk score ${num(risk)} is above the manager limit of ${num(policy.managerMaxRisk)}`);
  if (item.privileged) high.push("it is privileged access");
  if (item.sensitivity === "critical") high.push("the application is marked critical");
  for (const c of sod.filter((c) => c.action === "require_approval")) high.push(`it conflicts with the separation-of-duties policy "${c.policyName}"`);

  let route: Route;
  let kinds: ApproverKind[];
  if (high.length) {
    route = "owner_security";
    kinds = ["app_owner", "security"];
    reasons.push(`Needs the application owner and then security because ${joinWords(high)}.`);
  } else {
    // 3. Auto, or 4. manager.
    const blockers: string[] = [];
    if (risk > policy.autoApproveMaxRisk) blockers.push(`its risk score ${num(risk)} is above the auto-approval limit of ${num(policy.autoApproveMaxRisk)}`);
    if (adoption < policy.autoApproveMinPeerAdoption) blockers.push(`only ${pct(adoption)} of comparable colleagues hold it (automatic approval needs ${pct(policy.autoApproveMinPeerAdoption)})`);
    if (item.sensitivity === "high") blockers.push("the application is marked highly sensitive");
    if (isAgent) blockers.push("the identity is an AI agent or service account, and agents get access only with a person's approval");
    else if (isContractor) blockers.push("the person is a contractor, and contractors need their sponsor's approval");
    if (!blockers.length) {
      reasons.push(
        `Approved automatically: risk score ${num(risk)} is within the limit of ${num(policy.autoApproveMaxRisk)}, ${pct(adoption)} of comparable colleagues already hold it, it is not privileged and it breaks no separation-of-duties policy.`,
      );
      return { route: "auto", stages: [], reasons };
    }
    route = "manager";
    kinds = ["manager"];
    reasons.push(`Needs a manager's approval because ${joinWords(blockers)}.`);
  }
  if (item.riskReasons?.length) reasons.push(`Risk factors: ${item.riskReasons.join("; ")}.`);

  if (isContractor) {
    kinds = route === "manager" ? ["sponsor"] : ["sponsor", ...kinds];
    if (route === "owner_security") reasons.push(isAgent ? "The identity is an agent, so its sponsor's side approves first." : "The person is a contractor, so their sponsor approves first.");
  }

  const stages = buildStages(item, kinds, policy, reasons);
  if (!stages) return { route: "blocked", stages: [], reasons };
  return { route, stages, reasons };
}

/** Route a request of one or more items: the strictest item decides the route; stages merge by kind. */
export function routeRequest(items: RoutingItem[], policy: RoutingPolicy = DEFAULT_ROUTING_POLICY): RequestRoutingDecision {
  if (!items.length) return { route: "blocked", stages: [], reasons: ["The request has no items, so there is nothing to approve."], items: [] };
  const decisions = items.map((it) => routeItem(it, policy));
  const route = decisions.reduce<Route>((r, d) => (SEVERITY[d.route] > SEVERITY[r] ? d.route : r), "auto");
  const label = (i: number) => items[i].label ?? `item ${i + 1}`;
  const reasons = items.length === 1 ? [...decisions[0].reasons] : decisions.flatMap((d, i) => d.reasons.map((r) => `${label(i)}: ${r}`));
  if (route === "blocked") {
    if (items.length > 1) reasons.unshift("The whole request is blocked because at least one item is blocked; remove it to route the rest.");
    return { route, stages: [], reasons, items: decisions };
  }
  const merged = new Map<ApproverKind, Stage>();
  decisions.forEach((d, i) => {
    for (const s of d.stages) {
      const m = merged.get(s.approverKind) ?? { ...s, approverIds: [], escalateToIds: [], items: [] };
      for (const id of s.approverIds) if (!m.approverIds.includes(id)) m.approverIds.push(id);
      for (const id of s.escalateToIds) if (!m.escalateToIds.includes(id)) m.escalateToIds.push(id);
      m.items!.push(i);
      merged.set(s.approverKind, m);
    }
  });
  const stages = KIND_ORDER.filter((k) => merged.has(k)).map((k, n) => ({ ...merged.get(k)!, stage: n + 1 }));
  if (items.length > 1 && decisions.some((d) => d.route === "auto") && route !== "auto")
    reasons.push("Items approved automatically can be fulfilled at once; the others wait for their approvers.");
  return { route, stages, reasons, items: decisions };
}

function buildStages(item: RoutingItem, kinds: ApproverKind[], policy: RoutingPolicy, reasons: string[]): Stage[] | null {
  const excluded = new Map<string, string>();
  excluded.set(item.beneficiary.id, "is the person receiving the access");
  if (!policy.requesterMayApprove && item.requesterId && !excluded.has(item.requesterId)) excluded.set(item.requesterId, "filed the request");
  const eligible = (ids: Array<string | null | undefined>) => [...new Set(ids.filter((x): x is string => !!x && !excluded.has(x)))];

  const managerId = item.managerId ?? item.beneficiary.managerId ?? null;
  const chain = [managerId, ...(item.managerChain ?? [])].filter((x): x is string => !!x);
  const security = eligible(item.securityApproverIds);
  const ownersAll = item.applicationOwnerIds ?? [];

  const out: Array<Omit<Stage, "stage">> = [];
  const timing = { remindAfterHours: policy.reminderHours, escalateAfterHours: policy.escalationHours };

  // The first eligible person of a chain; explains every skip.
  const firstOf = (ids: string[], role: string): { id: string; rest: string[] } | null => {
    for (let k = 0; k < ids.length; k++) {
      const why = excluded.get(ids[k]);
      if (!why) return { id: ids[k], rest: eligible(ids.slice(k + 1)) };
      reasons.push(`The ${role} (${ids[k]}) ${why}, so they cannot approve; the approval moves up to ${ids[k + 1] ? "the next manager" : "the next approver"}.`);
    }
    return null;
  };

  for (const kind of kinds) {
    if (kind === "manager" || kind === "sponsor") {
      const sponsor = item.beneficiary.sponsorId ?? null;
      const ids = kind === "sponsor" ? [...new Set([sponsor, ...chain].filter((x): x is string => !!x))] : chain;
      if (kind === "sponsor" && !sponsor) reasons.push(managerId ? "The contractor has no sponsor on record; their manager approves as sponsor." : "The contractor has no sponsor or manager on record.");
      const pick = firstOf(ids, kind === "sponsor" ? "sponsor" : "manager");
      if (!pick) {
        if (!ids.length && kind === "manager") reasons.push("The person has no manager on record.");
        continue;
      }
      out.push({ approverKind: kind, approverIds: [pick.id], ...timing, escalateToIds: pick.rest.length ? [pick.rest[0]] : security });
    } else if (kind === "app_owner") {
      const owners = eligible(ownersAll);
      for (const o of ownersAll) if (excluded.has(o)) reasons.push(`Application owner ${o} ${excluded.get(o)}, so they cannot approve it.`);
      if (!owners.length) {
        reasons.push(ownersAll.length ? "No other application owner can approve; security reviews instead." : "The application has no owner on record; security reviews instead.");
        continue;
      }
      out.push({ approverKind: "app_owner", approverIds: owners, ...timing, escalateToIds: security });
    } else {
      for (const s of item.securityApproverIds ?? []) if (excluded.has(s)) reasons.push(`Security approver ${s} ${excluded.get(s)}, so the other security approvers decide.`);
      if (security.length) out.push({ approverKind: "security", approverIds: security, ...timing, escalateToIds: [] });
    }
  }

  if (!out.length) {
    if (!security.length) {
      reasons.push("No one other than the person receiving the access (or the requester) could approve it, so it is blocked rather than self-approved.");
      return null;
    }
    reasons.push("No eligible approver was left for this route, so security approves.");
    out.push({ approverKind: "security", approverIds: security, ...timing, escalateToIds: [] });
  }
  return out.map((s, i) => ({ stage: i + 1, ...s }));
}

function joinWords(xs: string[]): string {
  return xs.length <= 1 ? xs.join("") : `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`;
}

// ---------------------------------------------------------------------------------------------
// Shadow mode

export type ShadowRecord = { wouldRoute: Route; humanDecision: "approved" | "denied" };
export type ShadowReport = {
  n: number;
  /** Share of the policy's automatic outcomes (auto, blocked) that match the human decision; null when it decided none. */
  agreement: number | null;
  /** Auto-approved by the policy but denied by people. */
  wouldBeFalseApprovals: number;
  /** Blocked by the policy but approved by people. */
  wouldBeFalseBlocks: number;
  /** Auto-approved and approved by people, over all auto-approvals; null when none. */
  autoApprovalPrecision: number | null;
  /** Share of requests the policy would decide without a person. */
  coverage: number;
  byRoute: Record<Route, { approved: number; denied: number }>;
};

export function shadowCompare(decisions: ShadowRecord[]): ShadowReport {
  const byRoute: ShadowReport["byRoute"] = {
    auto: { approved: 0, denied: 0 },
    manager: { approved: 0, denied: 0 },
    owner_security: { approved: 0, denied: 0 },
    blocked: { approved: 0, denied: 0 },
  };
  for (const d of decisions) byRoute[d.wouldRoute][d.humanDecision]++;
  const autoN = byRoute.auto.approved + byRoute.auto.denied;
  const blockedN = byRoute.blocked.approved + byRoute.blocked.denied;
  const decided = autoN + blockedN;
  const agreed = byRoute.auto.approved + byRoute.blocked.denied;
  return {
    n: decisions.length,
    agreement: decided ? agreed / decided : null,
    wouldBeFalseApprovals: byRoute.auto.denied,
    wouldBeFalseBlocks: byRoute.blocked.approved,
    autoApprovalPrecision: autoN ? byRoute.auto.approved / autoN : null,
    coverage: decisions.length ? decided / decisions.length : 0,
    byRoute,
  };
}
