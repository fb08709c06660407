/**
 * Everything the portal knows about a prospective request, before anything is written: per item the peer
 * adoption, separation-of-duties conflicts (against current + requested grants), the risk score with its reasons,
 * and the route the routing policy chooses. Used by create-request (which then writes it) and by the draft preview.
 */
import type { Queryable } from "@/db/client";
import { managerChain } from "@/db/queries/people";
import { adoptionFor, heldEntitlementIds, type Adoption, ownersOf, securityApprovers, sodPoliciesTouching, type CatalogEntitlement } from "@/db/queries/requests";
import { assessRequestRisk, reasonTexts, sodConflictsFor, type RequestRisk, type SodConflict } from "@/lib/domain/request-risk";
import { DEFAULT_ROUTING_POLICY, routeRequest, type RequestRoutingDecision, type RoutingItem, type RoutingPolicy } from "@/lib/domain/routing";
import { loadApprovalModel, opinionFor } from "./risk-model";
import { loadRoutingPolicies } from "./routing-policy";

type EntRow = CatalogEntitlement;
export type Beneficiary = {
  id: string; displayName: string; department: string; title: string; managerId: string | null; employmentType: string;
  attributes: Record<string, unknown>;
  /** human, or an agent / service account (whose sponsor approves first, like a contractor's). */
  kind?: string;
  agentSponsorId?: string | null;
};

export type AssessedItem = {
  entitlement: EntRow;
  label: string;
  peerShare: number;
  peerHolders: number;
  sod: SodConflict[];
  risk: RequestRisk;
};
export type Assessment = {
  items: AssessedItem[];
  decision: RequestRoutingDecision;
  held: string[];
  /** Peer adoption (every entitlement the peers hold; the department's holders of the assessed ones). */
  adoption: Adoption;
  peerGroup: string;
  peerCount: number;
  policy: RoutingPolicy;
  /** What the shadow policy (if one is saved) would have routed; it decides nothing. */
  shadow: { policyId: string; decision: RequestRoutingDecision } | null;
};

export async function assessRequest(
  db: Queryable,
  a: {
    requesterId: string; beneficiary: Beneficiary; entitlements: EntRow[]; now: Date; policy?: RoutingPolicy;
    /** false: judge each entitlement as if requested alone (catalog preview); default true: as one request. */
    together?: boolean;
  },
): Promise<Assessment> {
  const { beneficiary: b, now } = a;
  // The active policy is the newest one admins saved (routing-policy.ts), else the default; a caller may pass one.
  const stored = a.policy ? null : await loadRoutingPolicies(db);
  const policy = a.policy ?? stored?.active.policy ?? DEFAULT_ROUTING_POLICY;
  const entIds = a.entitlements.map((e) => e.id);
  const [held, adoption, chain, owners, security, policies, hist] = await Promise.all([
    heldEntitlementIds(db, b.id, now),
    adoptionFor(db, b, now, { teamOf: entIds }),
    managerChain(db, b.id),
    ownersOf(db, [...new Set(a.entitlements.map((e) => e.applicationId))]),
    securityApprovers(db),
    sodPoliciesTouching(db, entIds),
    loadApprovalModel(db),
  ]);
  const conflicts =
    a.together === false
      ? new Map(entIds.map((id) => [id, sodConflictsFor(held, [id], policies).get(id) ?? []]))
      : sodConflictsFor(held, entIds, policies);
  const isAgent = b.kind != null && b.kind !== "human";
  const sponsorId = isAgent ? (b.agentSponsorId ?? null) : typeof b.attributes?.sponsorId === "string" ? (b.attributes.sponsorId as string) : null;

  const items: AssessedItem[] = [];
  const routing: RoutingItem[] = [];
  for (const e of a.entitlements) {
    const h = adoption.holders.get(e.id) ?? { peers: 0, team: 0 };
    const peerShare = adoption.peerCount ? h.peers / adoption.peerCount : 0;
    const teamShare = adoption.teamSize ? h.team / adoption.teamSize : 0;
    const sod = conflicts.get(e.id) ?? [];
    const label = `${e.applicationName} ${e.name}`;
    const risk = assessRequestRisk({
      label,
      level: e.level,
      privileged: e.privileged,
      sensitivity: e.sensitivity,
      peerAdoption: peerShare,
      peerCount: adoption.peerCount,
      peerGroup: adoption.peerGroup,
      teamShare,
      teamSize: adoption.teamSize,
      team: adoption.team,
      sodConflicts: sod,
      employmentType: b.employmentType,
      model: opinionFor(hist.model, hist.decisions, {
        entitlement: e.name, application: e.applicationName, department: b.department, title: b.title, employment: b.employmentType, manager: b.managerId ?? "",
      }),
      historySize: hist.decisions,
    });
    items.push({ entitlement: e, label, peerShare, peerHolders: h.peers, sod, risk });
    const appOwners = owners.get(e.applicationId) ?? [];
    routing.push({
      label,
      riskScore: risk.score,
      riskReasons: reasonTexts(risk.reasons),
      privileged: e.privileged,
      sensitivity: e.sensitivity,
      sodConflicts: sod.map((c) => ({ policyName: c.policyName, action: c.action })),
      peerAdoption: adoption.peerCount ? peerShare : 0,
      beneficiary: { id: b.id, employmentType: isAgent ? "agent" : b.employmentType, sponsorId, managerId: b.managerId },
      requesterId: a.requesterId,
      requesterIsBeneficiary: a.requesterId === b.id,
      // The entitlement's own owner first, then the application's owners.
      applicationOwnerIds: [...new Set([...(e.ownerId ? [e.ownerId] : []), ...appOwners])],
      securityApproverIds: security,
      managerId: chain[0] ?? b.managerId,
      managerChain: chain.slice(1),
    });
  }
  const decision = routeRequest(routing, policy);
  const shadow = stored?.shadow?.id ? { policyId: stored.shadow.id, decision: routeRequest(routing, stored.shadow.policy) } : null;
  return { items, decision, held, adoption, peerGroup: adoption.peerGroup, peerCount: adoption.peerCount, policy, shadow };
}
