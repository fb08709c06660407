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
  /**
   * Set when the actor is an AI agent or service account (its own identity, never its sponsor's): it reads and
   * requests within its sponsor's reporting line, never creates agents, never decides privileged access.
   */
  agent?: { id: string; name: string; sponsorId: string | null };
  /** Set when the call came with a bearer token (MCP/API): the scopes it carries. Portal sessions have none. */
  token?: { id: string; kind: "agent" | "personal"; scopes: string[] };
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
  | "review.team"
  | "review.decide"
  | "review.evidence"
  | "agent.create"
  | "agent.manage"
  | "token.personal";

export type Resource =
  | { kind: "person"; personId: string; /** Ids of the person's managers, nearest first. */ managerChain?: string[] }
  | { kind: "application"; applicationId: string }
  | {
      kind: "request"; beneficiaryId: string; requesterId: string; approverIds?: string[];
      /** The access is privileged (agents never decide it). */
      privileged?: boolean;
      /** The beneficiary is an agent: only these humans (its sponsor and backups) may request access for it. */
      sponsorIds?: string[];
    }
  | { kind: "agent"; sponsorId: string | null; backupSponsorIds?: string[] }
  | { kind: "review_item"; reviewerId: string | null; personId: string }
  | { kind: "global" };

export const has = (a: Actor, r: PortalRole) => a.roles.includes(r);

/** Portal roles from stored facts: everyone is an employee; reports make a manager; owned apps an app owner. */
export function rolesFromFacts(f: { reports: number; ownedApplicationIds: string[]; portalRoles: string[] }): PortalRole[] {
  const roles: PortalRole[] = ["employee"];
  if (f.reports > 0) roles.push("manager");
  if (f.ownedApplicationIds.length > 0) roles.push("app_owner");
  for (const r of f.portalRoles) roles.push(r as PortalRole);
  return roles;
}
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
      // Agents browse their sponsor's reporting line (filtered in SQL by the service).
      return readsEverything(actor) || has(actor, "manager") || Boolean(actor.agent?.sponsorId);
    case "person.view":
    case "person.viewAccess": {
      if (resource.kind !== "person") return false;
      if (resource.personId === actor.personId) return true;
      if (readsEverything(actor)) return true;
      if (actor.agent?.sponsorId && (resource.personId === actor.agent.sponsorId || resource.managerChain?.includes(actor.agent.sponsorId))) return true;
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
      // An agent gets access only through requests its (human) sponsor files.
      if (resource.sponsorIds) return !actor.agent && resource.sponsorIds.includes(actor.personId);
      // An agent files for its sponsor and the sponsor's reporting line (checked in SQL), never for itself.
      if (actor.agent) return Boolean(actor.agent.sponsorId) && resource.beneficiaryId !== actor.personId;
      return resource.beneficiaryId === actor.personId || has(actor, "manager") || has(actor, "admin");
    case "request.approve":
      if (resource.kind !== "request") return false;
      // Nobody approves their own request or access for themselves.
      if (resource.beneficiaryId === actor.personId || resource.requesterId === actor.personId) return false;
      // Privileged access always has a human approver.
      if (actor.agent && resource.privileged !== false) return false;
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
    case "review.team":
      // A manager reviews their own team (who is in it is checked in SQL by the service); read-only roles,
      // agents and machine callers do not start reviews.
      if (actor.agent || has(actor, "hr_source")) return false;
      if (has(actor, "auditor") && !has(actor, "admin")) return false;
      return has(actor, "manager");
    case "review.evidence":
      return has(actor, "admin") || has(actor, "auditor");
    case "review.decide":
      // Only the item's reviewer, and never for their own access.
      if (resource.kind !== "review_item") return false;
      return resource.reviewerId === actor.personId && resource.personId !== actor.personId;
    case "agent.create":
      // People register agents (as their sponsor, or admins for anyone); an agent never creates agents.
      if (actor.agent || has(actor, "hr_source")) return false;
      if (resource.kind !== "agent") return false;
      return has(actor, "admin") || resource.sponsorId === actor.personId;
    case "agent.manage":
      // Disable, rotate, see: admins, and the agent's sponsor or backups (never the agent itself).
      if (actor.agent || has(actor, "hr_source")) return false;
      if (has(actor, "admin")) return true;
      if (resource.kind !== "agent") return false;
      return resource.sponsorId === actor.personId || Boolean(resource.backupSponsorIds?.includes(actor.personId));
    case "token.personal":
      // People make personal tokens for their own assistants; an agent or machine caller does not.
      return !actor.agent && !has(actor, "hr_source") && !actor.personId.startsWith("system:");
  }
}

/** The page a persona lands on after sign-in. */
export function landingPage(actor: Actor): string {
  if (has(actor, "admin") || has(actor, "auditor") || has(actor, "security")) return "/dashboard";
  return "/dashboard";
}
