/**
 * Review triage: the pre-analysis every access-review item arrives with.
 *
 * Input: one item's facts (the person's HR state, the grant's source, age and last use, whether the person's
 * current birthright roles give the entitlement, the share of their peers holding it, privilege, SoD conflicts,
 * a recent move, and when the system was last reconciled) plus thresholds and `now`.
 * Output: a recommendation ("no_action" | "review" | "remove"), plain-language reasons (the first one carries
 * the verdict: "removal recommended: person left on 2026-10-01") and, separately, a stale-data notice.
 * Method: ordered rules, strongest evidence first (field practice of access-certification triage: leavers and
 * ended contracts first, then separation of duties, movers' left-over birthright and, for a recent mover, any access most of their new
 * peers do not hold, dormant access (>= 90 days,
 * as Okta flags it), privileged or rare access; "no action" only when the access is explained by role, peers
 * (> 70% of the peer group holding it, SailPoint's threshold) or recent use); privilege accumulation (>= 6
 * privileged entitlements and over twice the department median) puts every privileged item of that person up for
 * review. O(1) per item, pure.
 *
 * Stale data never changes the recommendation: it is flagged so the reviewer knows the picture may be old.
 */

export type Recommendation = "no_action" | "review" | "remove";

export type TriageFacts = {
  person: {
    status: "pre_hire" | "active" | "on_leave" | "terminated";
    employmentType: "employee" | "contractor" | "intern";
    /** ISO date (YYYY-MM-DD) of the contract or employment end. */
    endDate?: string | null;
    department?: string | null;
    /** From HR attributes: where and when the person moved from (if they moved). */
    previousDepartment?: string | null;
    movedAt?: string | null;
  };
  grant: {
    source: "birthright" | "role" | "request" | "review" | "manual" | "import" | "adopted";
    grantedAt?: Date | string | null;
    lastUsedAt?: Date | string | null;
    /** Who approved it, for access granted through a request (grants.granted_by_id). */
    approvedBy?: string | null;
  };
  entitlementName: string;
  privileged: boolean;
  /** The person's current roles (birthright rules on today's attributes) give this entitlement. */
  givenByCurrentRole: boolean;
  /** Share (0..1) of the person's peers holding it, and how many peers; null when there are no peers. */
  peerShare: number | null;
  peerCount: number;
  /** Names of SoD policies this grant is one side of, for this person. */
  sodConflicts: string[];
  system: { name: string; lastReconciledAt?: Date | string | null };
  /** How many privileged entitlements the person holds in all, and the median count among their department. */
  privilegedHeld?: number;
  peerPrivilegedMedian?: number | null;
  peerGroupName?: string | null;
};

export type TriageOptions = {
  now: Date;
  dormantDays?: number;
  staleDays?: number;
  /** Peer share at or above which access counts as normal for the group. */
  peerCommon?: number;
  /** Peer share below which access counts as rare. */
  peerRare?: number;
  /** A move within this many days counts as recent. */
  recentMoveDays?: number;
  /** Privilege accumulation: holding at least this many privileged entitlements, and over twice the peers' median. */
  privilegedMany?: number;
  /** A request approved by a person within this many days is a fresh human decision: rarity alone does not put it up for review. */
  recentApprovalDays?: number;
};

export type Triage = { recommendation: Recommendation; reasons: string[]; stale: string | null };

const DAY = 86_400_000;
const time = (d: Date | string | null | undefined): number | null => {
  if (d === null || d === undefined || d === "") return null;
  const t = d instanceof Date ? d.getTime() : Date.parse(d);
  return Number.isNaN(t) ? null : t;
};
const daysAgo = (d: Date | string | null | undefined, now: Date): number | null => {
  const t = time(d);
  return t === null ? null : Math.max(0, Math.floor((now.getTime() - t) / DAY));
};
const ago = (n: number) => (n === 0 ? "today" : n === 1 ? "1 day ago" : `${n} days ago`);
const pct = (x: number) => `${Math.round(x * 100)}%`;
const isoDay = (now: Date) => now.toISOString().slice(0, 10);

export function triageItem(f: TriageFacts, o: TriageOptions): Triage {
  const now = o.now;
  const dormantDays = o.dormantDays ?? 90;
  const staleDays = o.staleDays ?? 7;
  const peerCommon = o.peerCommon ?? 0.7;
  const peerRare = o.peerRare ?? 0.2;
  const recentMoveDays = o.recentMoveDays ?? 180;
  const privilegedMany = o.privilegedMany ?? 6;
  const recentApprovalDays = o.recentApprovalDays ?? 30;

  const stale = staleNotice(f.system, now, staleDays);
  const used = daysAgo(f.grant.lastUsedAt, now);
  const granted = daysAgo(f.grant.grantedAt, now);
  const byPolicy = f.grant.source === "birthright" || f.grant.source === "role";
  const peers = f.peerShare !== null && f.peerCount > 0 ? `${pct(f.peerShare)} of ${f.peerCount} peers have it` : "no peers to compare with";

  const remove: string[] = [];
  const review: string[] = [];
  // Reasons that only say "nothing explains it" (rare, privileged without a role, never used): a person's
  // approval of the request a few days ago explains it, so they do not send it back to review.
  const soft = new Set<string>();

  // 1. The person should hold nothing (left, or contract ended).
  if (f.person.status === "terminated") remove.push(f.person.endDate ? `person left on ${f.person.endDate}` : "person has left (terminated)");
  else if (f.person.endDate && f.person.endDate < isoDay(now) && f.person.employmentType === "contractor")
    remove.push(`contract ended on ${f.person.endDate} but the person is still active`);
  else if (f.person.endDate && f.person.endDate < isoDay(now)) remove.push(`end date ${f.person.endDate} has passed`);

  // 2. Separation of duties: this grant is one side of a toxic combination.
  if (f.sodConflicts.length) {
    const what = `conflicts with separation-of-duties policy ${f.sodConflicts.map((n) => `"${n}"`).join(", ")}`;
    // Access the current role gives is the side to keep; the other side is the one to remove.
    if (f.givenByCurrentRole) review.push(`${what} (the current role gives this side)`);
    else remove.push(what);
  }

  // 3. Movers and drift: access given by a role the person's attributes no longer give.
  const movedDays = daysAgo(f.person.movedAt, now);
  const moved = Boolean(f.person.previousDepartment) && (movedDays === null || movedDays <= recentMoveDays);
  if (byPolicy && !f.givenByCurrentRole) {
    if (f.person.previousDepartment)
      remove.push(`moved from ${f.person.previousDepartment} to ${f.person.department ?? "another department"}${f.person.movedAt ? ` on ${f.person.movedAt}` : ""}; their current role does not give it`);
    else remove.push("no current role gives it any more");
  } else if (moved && !f.givenByCurrentRole && !(f.peerShare !== null && f.peerCount > 0 && f.peerShare >= peerCommon)) {
    // Access most of the new peers hold (the new team's groups, company-wide access) is explained; the rest may be
    // left over from the old department.
    review.push(`moved from ${f.person.previousDepartment}${f.person.movedAt ? ` on ${f.person.movedAt}` : ""}; check it is still needed in ${f.person.department ?? "the new role"}`);
  }

  // 4. Dormant access.
  if (used !== null && used >= dormantDays) review.push(`unused for ${used} days`);
  else if (used === null && granted !== null && granted >= dormantDays) review.push(`never used in the ${granted} days since it was granted`);

  // 5. Privileged or rare access nothing explains.
  const softPush = (r: string) => { review.push(r); soft.add(r); };
  if (f.privileged && !f.givenByCurrentRole) softPush(`privileged access not given by their role (${peers})`);
  else if (!f.givenByCurrentRole && f.peerShare !== null && f.peerCount > 0 && f.peerShare < peerRare) softPush(`rare among peers: only ${peers}`);
  // 6. Privilege accumulation: many privileged entitlements, far more than peers hold; each one is worth a look,
  // even those a role gives (the role may be why the pile started, not a reason to keep all of it).
  const held = f.privilegedHeld ?? 0;
  const median = f.peerPrivilegedMedian ?? 0;
  if (f.privileged && held >= privilegedMany && held > 2 * median)
    review.push(`one of ${held} privileged entitlements they hold (${f.peerGroupName ? `peers in ${f.peerGroupName}` : "peers"} typically hold ${median})`);
  if (f.person.status === "on_leave") review.push("person is on leave");

  if (remove.length) return { recommendation: "remove", reasons: [`removal recommended: ${remove[0]}`, ...remove.slice(1), ...review], stale };
  const approvedAgo = f.grant.source === "request" && f.grant.approvedBy ? granted : null;
  if (review.length && approvedAgo !== null && approvedAgo <= recentApprovalDays && review.every((r) => soft.has(r))) {
    return { recommendation: "no_action", reasons: [`no action needed: approved by ${f.grant.approvedBy} ${ago(approvedAgo)} (access request)`, ...review.map((r) => `noted: ${r}`)], stale };
  }
  if (review.length) return { recommendation: "review", reasons: [`review recommended: ${review[0]}`, ...review.slice(1)], stale };

  // No action: say what explains the access.
  const why: string[] = [];
  if (f.givenByCurrentRole) why.push("same role");
  if (f.peerShare !== null && f.peerCount > 0 && f.peerShare >= peerCommon) why.push(peers);
  if (used !== null) why.push(`used ${ago(used)}`);
  else if (granted !== null) why.push(`granted ${ago(granted)}`);
  if (byPolicy) why.push("granted by policy");
  else if (f.grant.source === "request") why.push("requested and approved");
  else if (f.grant.source === "adopted") why.push("held before Gatehouse (adopted, never reviewed)");
  if (!f.givenByCurrentRole && (f.peerShare === null || f.peerShare < peerCommon)) {
    // Explained only by recent use: still no action, but say the peer picture honestly.
    why.push(peers);
  }
  return { recommendation: "no_action", reasons: [`no action needed: ${why.join(", ")}`], stale };
}

export function staleNotice(system: TriageFacts["system"], now: Date, staleDays = 7): string | null {
  const d = daysAgo(system.lastReconciledAt, now);
  if (d === null) return `stale data: ${system.name} has never been reconciled`;
  if (d > staleDays) return `stale data: ${system.name} last reconciled ${d} days ago`;
  return null;
}

/**
 * One sentence per person, first thing a reviewer reads:
 * "Ada Lovelace (Engineer, Engineering): 12 items; 10 need no action, 1 to review, 1 removal recommended (person left on 2026-10-01)."
 */
export function personSummary(
  p: { name: string; title?: string | null; department?: string | null },
  items: ReadonlyArray<{ recommendation: Recommendation; reasons: readonly string[]; decision?: "keep" | "revoke" | null }>,
): string {
  const role = [p.title, p.department].filter(Boolean).join(", ");
  const who = `${p.name}${role ? ` (${role})` : ""}`;
  const count = `${items.length} item${items.length === 1 ? "" : "s"}`;
  // Counts speak of what is still open, so the sentence stays true as the reviewer decides.
  const open = items.filter((i) => !i.decision);
  const kept = items.filter((i) => i.decision === "keep").length;
  const revoked = items.filter((i) => i.decision === "revoke").length;
  const decided = kept + revoked;
  const done = decided ? `${decided} decided (${[kept ? `${kept} kept` : "", revoked ? `${revoked} revoked` : ""].filter(Boolean).join(", ")})` : "";
  if (items.length && open.length === 0) return `${who}: ${count}, all decided: ${[kept ? `${kept} kept` : "", revoked ? `${revoked} revoked` : ""].filter(Boolean).join(", ")}.`;
  const n = { no_action: 0, review: 0, remove: 0 };
  for (const i of open) n[i.recommendation] += 1;
  const parts: string[] = [];
  if (n.no_action) parts.push(`${n.no_action} need${n.no_action === 1 ? "s" : ""} no action`);
  if (n.review) parts.push(`${n.review} to review`);
  if (n.remove) {
    const first = open.find((i) => i.recommendation === "remove")?.reasons[0]?.replace(/^removal recommended: /, "");
    parts.push(`${n.remove} removal${n.remove === 1 ? "" : "s"} recommended${first ? ` (${first})` : ""}`);
  }
  if (!decided && items.length && n.no_action === items.length) return `${who}: ${count}, all consistent with their role and peers; no action needed.`;
  return `${who}: ${count}; ${done ? `${done}; still open: ` : ""}${parts.join(", ")}.`;
}

/** One of a person's review items as their summary needs it (the board keeps every item of the people it shows). */
export type TallyItem = { id: string; recommendation: Recommendation; decision: "keep" | "revoke" | null; lead: string | null };

/** personSummary from a tally: `lead` is the first reason of an item whose removal is recommended. */
export function tallySummary(p: { name: string; title?: string | null; department?: string | null }, tally: readonly TallyItem[]): string {
  return personSummary(p, tally.map((t) => ({ recommendation: t.recommendation, decision: t.decision, reasons: t.lead ? [t.lead] : [] })));
}
