/**
 * Portal permissions, in one place. Pure: callers pass the facts (who the actor is, what
 * the resource is and how it relates to the actor); services call `can()` on their first
 * line and also filter by ownership in SQL, so a list never leaks what `can()` would refuse.
 *
 * Personas: employee (everyone signed in), manager (has people in their reporting line),
 * app_owner (owns at least one application), admin, auditor (read-only everywhere),
 * security (reads everything, decides security approval stages).
 */
/** hr_source: a machine caller (HR webhook, inbound SCIM) authenticated by signature or token. */
export type PortalRole = "employee" | "manager" | "app_owner" | "admin" | "auditor" | "security" | "hr_source";

export type Actor = {
  personId: string;
  name: string;
  email: string;
  roles: PortalRole[];
  /** Applications the actor owns. */
  ownedApplicationIds: string[];
};

export type Action =
  | "dashboard.org"
  | "people.list"
  | "person.view"
  | "person.viewAccess"
  | "application.list"
  | "application.view"
  | "application.viewAccounts"
  | "application.configure"
  | "audit.read"
  | "admin.area"
  | "role.edit"
  | "operations.view"
  | "operations.retry"
  | "request.create"
  | "request.approve"
  | "request.view"
  | "request.escalate"
  | "hr.import"
  | "analytics.run"
  | "review.view"
  | "review.manage"
  | "review.decide"
  | "review.evidence";

export type Resource =
  | { kind: "person"; personId: string; /** Ids of the person's managers, nearest first. */ managerChain?: string[] }
  | { kind: "application"; applicationId: string }
  | { kind: "request"; beneficiaryId: string; requesterId: string; approverIds?: string[] }
  | { kind: "review_item"; reviewerId: string | null; personId: string }
  | { kind: "global" };

export const has = (a: Actor, r: PortalRole) => a.roles.includes(r);
const readsEverything = (a: Actor) => has(a, "admin") || has(a, "auditor") || has(a, "security");

export function can(actor: Actor | null | undefined, action: Action, resource: Resource = { kind: "global" }): boolean {
  if (!actor) return false;
  switch (action) {
    case "dashboard.org":
    case "operations.view":
    case "audit.read":
      return readsEverything(actor);
    case "admin.area":
    case "role.edit":
    case "application.configure":
    case "operations.retry":
      return has(actor, "admin");
    case "people.list":
      return readsEverything(actor) || has(actor, "manager");
    case "person.view":
    case "person.viewAccess": {
      if (resource.kind !== "person") return false;
      if (resource.personId === actor.personId) return true;
      if (readsEverything(actor)) return true;
      return Boolean(resource.managerChain?.includes(actor.personId));
    }
    case "analytics.run":
      return readsEverything(actor);
    case "hr.import":
      return has(actor, "admin") || has(actor, "hr_source");
    case "application.list":
      return !has(actor, "hr_source") || has(actor, "admin");
    case "application.view":
      return resource.kind === "application";
    case "application.viewAccounts":
      if (resource.kind !== "application") return false;
      return readsEverything(actor) || actor.ownedApplicationIds.includes(resource.applicationId);
    case "request.create":
      if (resource.kind !== "request") return false;
      // Auditors are read-only; anyone else may ask for themselves; managers for their line.
      if (has(actor, "auditor") && !has(actor, "admin")) return false;
      return resource.beneficiaryId === actor.personId || has(actor, "manager") || has(actor, "admin");
    case "request.approve":
      if (resource.kind !== "request") return false;
      // Nobody approves their own request or access for themselves.
      if (resource.beneficiaryId === actor.personId || resource.requesterId === actor.personId) return false;
      return Boolean(resource.approverIds?.includes(actor.personId));
    case "request.view":
      // Own requests and own inbox: any person; one request: its requester, beneficiary or approvers, or readers of everything.
      if (has(actor, "hr_source")) return false;
      if (resource.kind === "global") return true;
      if (resource.kind !== "request") return false;
      return readsEverything(actor) || [resource.beneficiaryId, resource.requesterId, ...(resource.approverIds ?? [])].includes(actor.personId);
    case "request.escalate":
      return has(actor, "admin");
    case "review.view":
      return !has(actor, "hr_source") || has(actor, "admin");
    case "review.manage":
      return has(actor, "admin");
    case "review.evidence":
      return has(actor, "admin") || has(actor, "auditor");
    case "review.decide":
      // Only the item's reviewer, and never for their own access.
      if (resource.kind !== "review_item") return false;
      return resource.reviewerId === actor.personId && resource.personId !== actor.personId;
  }
}

/** The page a persona lands on after sign-in. */
export function landingPage(actor: Actor): string {
  if (has(actor, "admin") || has(actor, "auditor") || has(actor, "security")) return "/dashboard";
  return "/dashboard";
}
