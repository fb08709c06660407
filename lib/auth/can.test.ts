import { describe, expect, it } from "vitest";
import { can, type Actor } from "./can";

const mk = (id: string, roles: Actor["roles"], owned: string[] = []): Actor => ({
  personId: id, name: id, email: `${id}@x`, roles, ownedApplicationIds: owned,
});
const emp = mk("e", ["employee"]);
const mgr = mk("m", ["employee", "manager"]);
const admin = mk("a", ["employee", "admin"]);
const auditor = mk("u", ["employee", "auditor"]);
const owner = mk("o", ["employee", "app_owner"], ["app1"]);
const bot: Actor = { ...mk("b", ["employee"]), agent: { id: "agent-b", name: "bot", sponsorId: "m" } };
const botAdmin: Actor = { ...mk("b", ["employee", "admin"]), agent: { id: "agent-b", name: "bot", sponsorId: "m" } };

describe("can()", () => {
  it.each([
    ["employee sees own access", emp, "person.viewAccess", { kind: "person", personId: "e" }, true],
    ["employee cannot see a colleague", emp, "person.viewAccess", { kind: "person", personId: "x", managerChain: ["m"] }, false],
    ["manager sees a report two levels down", mgr, "person.viewAccess", { kind: "person", personId: "x", managerChain: ["y", "m"] }, true],
    ["manager cannot see outside the line", mgr, "person.view", { kind: "person", personId: "x", managerChain: ["z"] }, false],
    ["auditor reads any person", auditor, "person.viewAccess", { kind: "person", personId: "x" }, true],
    ["employee cannot open admin area", emp, "admin.area", { kind: "global" }, false],
    ["auditor cannot configure systems", auditor, "application.configure", { kind: "global" }, false],
    ["admin configures systems", admin, "application.configure", { kind: "global" }, true],
    ["owner sees accounts of own app", owner, "application.viewAccounts", { kind: "application", applicationId: "app1" }, true],
    ["owner cannot see accounts of another app", owner, "application.viewAccounts", { kind: "application", applicationId: "app2" }, false],
    ["employee cannot list people", emp, "people.list", { kind: "global" }, false],
    ["manager lists people", mgr, "people.list", { kind: "global" }, true],
    ["nobody approves own request", mgr, "request.approve", { kind: "request", beneficiaryId: "m", requesterId: "m", approverIds: ["m"] }, false],
    ["nobody approves access for themselves requested by another", mgr, "request.approve", { kind: "request", beneficiaryId: "m", requesterId: "e", approverIds: ["m"] }, false],
    ["routed approver approves", mgr, "request.approve", { kind: "request", beneficiaryId: "e", requesterId: "e", approverIds: ["m"] }, true],
    ["unrouted person cannot approve", admin, "request.approve", { kind: "request", beneficiaryId: "e", requesterId: "e", approverIds: ["m"] }, false],
    ["auditor cannot request", auditor, "request.create", { kind: "request", beneficiaryId: "u", requesterId: "u" }, false],
    ["employee requests for self", emp, "request.create", { kind: "request", beneficiaryId: "e", requesterId: "e" }, true],
    ["manager starts a review of their team", mgr, "review.team", { kind: "global" }, true],
    ["employee starts no team review", emp, "review.team", { kind: "global" }, false],
    ["an auditor who manages people starts no team review", mk("um", ["employee", "manager", "auditor"]), "review.team", { kind: "global" }, false],
    ["an agent starts no team review", { ...bot, roles: ["employee", "manager"] } as Actor, "review.team", { kind: "global" }, false],
    ["agent reads within its sponsor's line", bot, "person.viewAccess", { kind: "person", personId: "x", managerChain: ["m"] }, true],
    ["agent cannot read outside its sponsor's line", bot, "person.viewAccess", { kind: "person", personId: "x", managerChain: ["z"] }, false],
    ["agent lists people (its sponsor's line, in SQL)", bot, "people.list", { kind: "global" }, true],
    ["agent requests for its sponsor's line", bot, "request.create", { kind: "request", beneficiaryId: "e", requesterId: "b" }, true],
    ["agent never requests for itself", bot, "request.create", { kind: "request", beneficiaryId: "b", requesterId: "b" }, false],
    ["access for an agent: its sponsor requests it", mgr, "request.create", { kind: "request", beneficiaryId: "b", requesterId: "m", sponsorIds: ["m"] }, true],
    ["access for an agent: not an admin who is not its sponsor", admin, "request.create", { kind: "request", beneficiaryId: "b", requesterId: "a", sponsorIds: ["m"] }, false],
    ["access for an agent: never another agent", bot, "request.create", { kind: "request", beneficiaryId: "b2", requesterId: "b", sponsorIds: ["b"] }, false],
    ["agent approves routed non-privileged access", bot, "request.approve", { kind: "request", beneficiaryId: "e", requesterId: "e", approverIds: ["b"], privileged: false }, true],
    ["agent never approves privileged access", bot, "request.approve", { kind: "request", beneficiaryId: "e", requesterId: "e", approverIds: ["b"], privileged: true }, false],
    ["agent never approves when privilege is unknown", bot, "request.approve", { kind: "request", beneficiaryId: "e", requesterId: "e", approverIds: ["b"] }, false],
    ["agent cannot create agents", botAdmin, "agent.create", { kind: "agent", sponsorId: "m" }, false],
    ["a person registers an agent they sponsor", emp, "agent.create", { kind: "agent", sponsorId: "e" }, true],
    ["a person cannot register an agent for someone else", emp, "agent.create", { kind: "agent", sponsorId: "m" }, false],
    ["admin registers an agent for anyone", admin, "agent.create", { kind: "agent", sponsorId: "m" }, true],
    ["backup sponsor manages the agent", emp, "agent.manage", { kind: "agent", sponsorId: "m", backupSponsorIds: ["e"] }, true],
    ["agent cannot manage agents", botAdmin, "agent.manage", { kind: "agent", sponsorId: "b" }, false],
    ["agent makes no personal tokens", bot, "token.personal", { kind: "global" }, false],
  ] as const)("%s", (_name, actor, action, resource, expected) => {
    expect(can(actor, action, resource as never)).toBe(expected);
  });

  it("refuses everything without an actor", () => {
    expect(can(null, "application.list")).toBe(false);
  });
});
