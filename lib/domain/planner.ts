/**
 * Provisioning planner (pure).
 *
 * Inputs, per person: HR status, the profile an account is built from, and per application: the desired
 * entitlements (from active grants), the account as last known (or none), the entitlements it holds as last
 * known, and the operations already open for it (pending/queued/running/failed, in execution order); the
 * application's deprovisioning policy; `now`.
 * Output: the operations still missing, ordered by `sequence` (lower runs first; critical applications of a
 * leaver come first), each with an idempotency key and a reason in plain words.
 *
 * Method: like a Kubernetes controller. The open operations are applied to the last known state to get the
 * projected state (what the target will look like once everything already planned has run); desired is
 * diffed against the projection. Hence planning twice against actual + pending yields nothing new.
 * Complexity: O(A · E) per person for A applications and E entitlements per application.
 *
 * Invariants: no grant before its account exists (a create_account in the same plan comes first and the grant
 * depends on it); no delete before disable; terminated people are disabled everywhere, sessions revoked first
 * on critical/high applications that support it, then (leaver policy, default) their memberships revoked; on_leave
 * disables and keeps entitlements (escrow).
 */

export type PersonStatus = "pre_hire" | "active" | "on_leave" | "terminated";
export type OperationKind =
  | "create_account"
  | "update_account"
  | "grant"
  | "revoke"
  | "disable"
  | "enable"
  | "delete"
  | "revoke_sessions";
export type Criticality = "low" | "medium" | "high" | "critical";

export type AccountProfile = {
  userName: string;
  givenName: string;
  familyName: string;
  displayName: string;
  email: string;
  employeeNumber?: string;
  department?: string;
  title?: string;
  /** The manager's userName ("" when the person has no manager): LDAP `manager`, SCIM enterprise `manager`. */
  manager?: string;
};

export type AppPolicy = {
  deprovisionAction: "disable" | "delete";
  /**
   * A leaver's memberships: "disable_and_remove_memberships" (the default when absent) revokes every entitlement the
   * account holds right after disabling it; "disable" keeps them until the account is deleted.
   */
  leaverPolicy?: "disable" | "disable_and_remove_memberships";
  retentionDays: number;
  criticality: Criticality;
  supportsSessionRevoke: boolean;
};

export type KnownAccount = {
  id: string;
  status: "pending" | "active" | "disabled" | "deleted";
  externalId: string | null;
  username: string;
  disabledAt: Date | null;
  /** The profile the target was last given (null/absent when unknown: then no update is planned). */
  profile?: Partial<AccountProfile> | null;
};

/** Profile attributes pushed to targets; userName is never changed by the planner (renames break links). */
export const PROFILE_FIELDS = ["givenName", "familyName", "displayName", "email", "title", "department", "employeeNumber", "manager"] as const;

/** Fields whose known value in the target differs from HR's (only fields the target is known to hold). */
export function profileChanges(known: Partial<AccountProfile>, current: AccountProfile): Partial<AccountProfile> | null {
  const out: Partial<AccountProfile> = {};
  for (const f of PROFILE_FIELDS) {
    if (known[f] === undefined || current[f] === undefined) continue;
    if (known[f] !== current[f]) out[f] = current[f];
  }
  return Object.keys(out).length ? out : null;
}

export type OpenOperation = {
  kind: OperationKind;
  entitlementId?: string | null;
  idempotencyKey: string;
  /** create_account only: whether the account is created enabled. */
  active?: boolean;
};

export type PlannerApp = {
  applicationId: string;
  policy: AppPolicy;
  /** Entitlement ids the person should hold here (active grants). */
  desired: string[];
  account: KnownAccount | null;
  /** Entitlement ids the account holds as last known. */
  actual: string[];
  /** Open operations for this person in this application, in execution order. */
  pending: OpenOperation[];
};

export type PlannerInput = {
  personId: string;
  status: PersonStatus;
  profile: AccountProfile;
  apps: PlannerApp[];
  now: Date;
};

export type PlannedOperation = {
  kind: OperationKind;
  personId: string;
  applicationId: string;
  accountId: string | null;
  entitlementId: string | null;
  sequence: number;
  idempotencyKey: string;
  /** Key of the operation that must succeed first (resolved to an id when stored). */
  dependsOnKey: string | null;
  reason: string;
  payload: Record<string, unknown>;
};

export function operationKey(kind: OperationKind, applicationId: string, personId: string, entitlementId?: string | null): string {
  return `${kind}:${applicationId}:${personId}:${entitlementId ?? "-"}`;
}

type Projected = { exists: boolean; status: "active" | "disabled" | null; disabledAt: Date | null; ents: Set<string> };

/** Last known state with the open operations applied in order. */
export function project(app: Pick<PlannerApp, "account" | "actual" | "pending">): Projected {
  const a = app.account;
  const live = a !== null && a.status !== "deleted";
  const p: Projected = {
    exists: live,
    status: live ? (a!.status === "disabled" ? "disabled" : "active") : null,
    disabledAt: live && a!.status === "disabled" ? a!.disabledAt : null,
    ents: new Set(live ? app.actual : []),
  };
  for (const op of app.pending) {
    switch (op.kind) {
      case "create_account":
        p.exists = true;
        p.status = op.active === false ? "disabled" : "active";
        p.disabledAt = null;
        break;
      case "enable":
        if (p.exists) p.status = "active";
        p.disabledAt = null;
        break;
      case "disable":
        if (p.exists) p.status = "disabled";
        p.disabledAt = null; // not yet known: it is set when the disable really happens
        break;
      case "delete":
        p.exists = false;
        p.status = null;
        p.ents.clear();
        break;
      case "grant":
        if (op.entitlementId) p.ents.add(op.entitlementId);
        break;
      case "revoke":
        if (op.entitlementId) p.ents.delete(op.entitlementId);
        break;
      default:
        break;
    }
  }
  return p;
}

const DAY = 86_400_000;
const urgent = (c: Criticality) => c === "critical" || c === "high";

export function plan(input: PlannerInput): PlannedOperation[] {
  const { personId, status, profile, now } = input;
  // Leavers: critical/high applications first. Otherwise keep the caller's order (stable).
  const apps = [...input.apps];
  if (status === "terminated") apps.sort((x, y) => Number(urgent(y.policy.criticality)) - Number(urgent(x.policy.criticality)));

  const out: PlannedOperation[] = [];
  let seq = 0;

  for (const app of apps) {
    const p = project(app);
    const appId = app.applicationId;
    const accountId = app.account && app.account.status !== "deleted" ? app.account.id : null;
    const pendingKeys = new Set(app.pending.map((o) => o.idempotencyKey));
    // Hard dependencies (a dead predecessor blocks its dependants): a grant needs the operation that creates or
    // enables the account; a delete needs the disable. Everything else of one person in one application runs in
    // order anyway (the worker claims an operation only when no earlier one is open).
    let accountReady: string | null = null;
    let disabledBy: string | null = null;
    for (const o of app.pending) {
      if (o.kind === "create_account" || o.kind === "enable") accountReady = o.idempotencyKey;
      if (o.kind === "disable") disabledBy = o.idempotencyKey;
    }
    const emit = (kind: OperationKind, reason: string, entitlementId: string | null = null, payload: Record<string, unknown> = {}) => {
      const key = operationKey(kind, appId, personId, entitlementId);
      if (pendingKeys.has(key)) return; // the same change is already on its way
      const dependsOnKey = kind === "grant" ? accountReady : kind === "delete" ? disabledBy : null;
      out.push({ kind, personId, applicationId: appId, accountId, entitlementId, sequence: seq++, idempotencyKey: key, dependsOnKey, reason, payload });
      pendingKeys.add(key);
      if (kind === "create_account" || kind === "enable") accountReady = key;
      if (kind === "disable") disabledBy = key;
    };
    const desired = new Set(app.desired);
    const missing = [...desired].filter((e) => !p.ents.has(e)).sort();
    const extra = [...p.ents].filter((e) => !desired.has(e)).sort();
    const spec = (active: boolean) => ({ spec: { ...profile, personId, active } });

    const deleteIfDue = (why: string) => {
      if (!p.exists || p.status !== "disabled") return;
      const { deprovisionAction, retentionDays } = app.policy;
      if (deprovisionAction === "delete") {
        emit("delete", `${why}; this application deletes accounts right after disabling them`);
        p.exists = false;
      } else if (p.disabledAt && p.disabledAt.getTime() + retentionDays * DAY <= now.getTime()) {
        emit("delete", `${why}; the account was disabled on ${p.disabledAt.toISOString().slice(0, 10)} and the ${retentionDays}-day retention has passed`);
        p.exists = false;
      }
    };

    switch (status) {
      case "active":
      case "pre_hire": {
        const startDisabled = status === "pre_hire";
        if (desired.size > 0) {
          if (!p.exists) {
            emit(
              "create_account",
              startDisabled
                ? "Create the account ahead of the start date, disabled until the person starts"
                : "The person has access here and no account yet",
              null,
              spec(!startDisabled),
            );
            p.exists = true;
            p.status = startDisabled ? "disabled" : "active";
          } else if (!startDisabled && p.status === "disabled") {
            emit("enable", "The person is active and has access here, but the account is disabled");
            p.status = "active";
          } else if (startDisabled && p.status === "active") {
            emit("disable", "The person has not started yet: the account stays disabled until the start date");
            p.status = "disabled";
          }
          const known = app.account && app.account.status !== "deleted" && !app.pending.some((o) => o.kind === "create_account") ? app.account.profile : null;
          const changes = known ? profileChanges(known, profile) : null;
          if (changes) emit("update_account", `HR details changed (${Object.keys(changes).join(", ")}): the account is updated to match`, null, { changes });
          for (const e of extra) emit("revoke", "This access is no longer granted", e);
          for (const e of missing) emit("grant", startDisabled ? "Granted ahead of the start date" : "Access granted", e);
        } else if (p.exists) {
          const why = "No access is granted in this application any more";
          for (const e of extra) emit("revoke", why, e);
          if (p.status === "active") {
            emit("disable", why);
            p.status = "disabled";
            p.disabledAt = null;
          }
          if (!startDisabled) deleteIfDue(why);
        }
        break;
      }
      case "on_leave": {
        if (!p.exists) break;
        // Escrow: entitlements still granted are kept in the target while the account is disabled.
        for (const e of extra) emit("revoke", "This access is no longer granted", e);
        if (p.status === "active") emit("disable", "The person is on leave: the account is disabled and their access kept for their return");
        break;
      }
      case "terminated": {
        if (!p.exists) break;
        if (p.status === "active") {
          if (urgent(app.policy.criticality) && app.policy.supportsSessionRevoke) {
            emit("revoke_sessions", `The person has left: sign them out of this ${app.policy.criticality}-criticality application at once`);
          }
          emit("disable", "The person has left");
          p.status = "disabled";
          p.disabledAt = null;
        }
        // Leaver policy: memberships go right after the disable (the sign-in is cut first), unless this
        // application keeps them until the delete. Revokes converge: held entitlements are revoked on any re-plan.
        if ((app.policy.leaverPolicy ?? "disable_and_remove_memberships") === "disable_and_remove_memberships" && app.policy.deprovisionAction !== "delete") {
          for (const e of [...p.ents].sort()) emit("revoke", "The person has left: this application's leaver policy removes every membership", e);
        }
        deleteIfDue("The person has left");
        break;
      }
    }
  }
  return out;
}
