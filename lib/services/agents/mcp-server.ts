/**
 * Gatehouse as tools for agents: an MCP server (official @modelcontextprotocol/sdk) whose every tool call
 * 1. re-authenticates the bearer token (revocation, kill switch, expiry, a sponsor leaving: refused at once),
 * 2. checks the tool's scope (read | request | decide | admin) against the token's scopes,
 * 3. runs the same service verb as the portal as the token's identity (can() and SQL ownership filters inside),
 * 4. is audited ("mcp.call": tool, outcome, token, agent and sponsor), refusals included.
 * The transports (Streamable HTTP at /api/mcp, stdio via `gatehouse mcp`) only differ in how the token arrives.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Queryable } from "@/db/client";
import { accessRequestItems, accounts, applications, approvalSteps, entitlements, people, reviewCampaigns, reviewItems, type TokenScope } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can, type Actor } from "@/lib/auth/can";
import { mineRoles, parsePairs } from "@/lib/domain/mining/role-mining";
import { detectFormat, parseAccessCsv, permissionOf } from "@/lib/domain/mining/csv-report";
import { ForbiddenError, NotFoundError, toUserError, ValidationError } from "@/lib/errors";
import { nowOf, type Ctx } from "@/lib/services/context";
import { listFindings } from "@/lib/services/mining/list-findings";
import { getPersonPage } from "@/lib/services/people/get-person";
import { searchPeople } from "@/lib/services/people/search-people";
import { createRequest } from "@/lib/services/requests/create-request";
import { decideStep } from "@/lib/services/requests/decide-step";
import { listInbox } from "@/lib/services/requests/list-inbox";
import { listMyRequests } from "@/lib/services/requests/list-my-requests";
import { nlDraft } from "@/lib/services/requests/nl-draft";
import { decideItem } from "@/lib/services/reviews/decide-item";
import { disableAgent, listAgents } from "./agents";
import { callerFacts, type TokenIdentity } from "./tokens";

export type McpDeps = {
  db: Queryable;
  clock?: () => Date;
  /** The caller, resolved again for every call (stdio keeps one process for many calls). */
  identity: () => Promise<TokenIdentity | null>;
};

type Shape = z.ZodRawShape;
type ToolDef<S extends Shape> = { title: string; description: string; scope: TokenScope | null; input: S };

const uuidOrEmail = z.string().trim().min(3).max(200);

export function buildMcpServer(deps: McpDeps): McpServer {
  const server = new McpServer({ name: "gatehouse", version: "0.1.0" }, { capabilities: { tools: {} } });

  const audit = async (actor: Actor | null, tool: string, outcome: "ok" | "refused" | "error", detail: Record<string, unknown>) => {
    await deps.db.transaction((tx) =>
      recordAudit(tx, {
        actorId: actor?.personId ?? null, actorKind: actor?.agent ? "agent" : actor ? "person" : "api", action: "mcp.call", targetKind: "mcp_tool", targetId: tool,
        data: { ...(actor ? callerFacts(actor) : {}), outcome, ...detail },
      }),
    );
  };

  function tool<S extends Shape>(name: string, def: ToolDef<S>, run: (ctx: Ctx, args: z.infer<z.ZodObject<S>>) => Promise<unknown>, summarise?: (args: z.infer<z.ZodObject<S>>) => Record<string, unknown>) {
    server.registerTool(name, { title: def.title, description: def.description, inputSchema: def.input }, (async (args: z.infer<z.ZodObject<S>>) => {
      const id = await deps.identity();
      if (!id) return { isError: true, content: [{ type: "text" as const, text: "Unauthorized: the token is revoked or expired, or its agent is disabled." }] };
      const ctx: Ctx = { actor: id.actor, db: deps.db, clock: deps.clock };
      const argSummary = summarise ? summarise(args) : args;
      if (def.scope && !id.scopes.includes(def.scope)) {
        const msg = `This tool needs the "${def.scope}" scope; the token has ${id.scopes.join(", ") || "none"}.`;
        await audit(id.actor, name, "refused", { args: argSummary, error: msg });
        return { isError: true, content: [{ type: "text" as const, text: msg }] };
      }
      try {
        const out = await run(ctx, args);
        await audit(id.actor, name, "ok", { args: argSummary });
        return { content: [{ type: "text" as const, text: JSON.stringify(out, null, 2) }] };
      } catch (err) {
        const e = toUserError(err);
        await audit(id.actor, name, e.status < 500 ? "refused" : "error", { args: argSummary, error: e.message, code: e.code });
        return { isError: true, content: [{ type: "text" as const, text: e.message }] };
      }
    }) as never);
  }

  tool("whoami", { title: "Who am I", description: "The identity this token acts as: person or agent, its sponsor, roles and scopes.", scope: null, input: {} }, async (ctx) => {
    const a = ctx.actor;
    let agent: Record<string, unknown> | null = null;
    if (a.agent) {
      const rows = await ctx.db.execute(sql`
        SELECT a.name, a.kind, a.purpose, a.expires_at, s.display_name AS sponsor_name, s.email AS sponsor_email
        FROM agents a LEFT JOIN people s ON s.id = a.sponsor_id WHERE a.id = ${a.agent.id}`);
      const r = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows)[0] as Record<string, unknown> | undefined;
      agent = r ? { name: r.name, kind: r.kind, purpose: r.purpose, expiresAt: new Date(String(r.expires_at)).toISOString(), sponsor: { name: r.sponsor_name, email: r.sponsor_email } } : null;
    }
    return { id: a.personId, name: a.name, email: a.email, kind: a.agent ? "agent" : "person", roles: a.roles, scopes: a.token?.scopes ?? [], agent };
  });

  tool(
    "search_people",
    { title: "Search people", description: "Search the directory by name, email, title or employee id (scoped like the portal: managers and agents see their (sponsor's) reporting line).", scope: "read", input: { query: z.string().max(100).optional(), department: z.string().max(100).optional(), page: z.number().int().min(1).max(1000).optional() } },
    async (ctx, a) => {
      const r = await searchPeople({ ctx, input: { q: a.query, department: a.department, page: a.page ?? 1, pageSize: 25 } });
      return { total: r.total, scope: r.scope, people: r.rows.map((p) => ({ id: p.id, name: p.displayName, email: p.email, title: p.title, department: p.department, location: p.location, status: p.status, manager: p.managerName })) };
    },
  );

  tool(
    "explain_access",
    {
      title: "Explain access",
      description: "Why a person has their access: per grant its source (birthright role, request, review…), who approved it and when, when it was last used, and its accounts.",
      scope: "read",
      input: { person: uuidOrEmail.describe("Person id or email"), access: z.string().max(100).optional().describe("Only grants whose application or entitlement name contains this") },
    },
    async (ctx, a) => {
      const personId = await resolvePerson(ctx.db, a.person);
      const page = await getPersonPage({ ctx, input: { id: personId } });
      const f = a.access?.toLowerCase();
      const gs = page.grants.filter((g) => !f || `${g.applicationName} ${g.entitlementName}`.toLowerCase().includes(f));
      const itemIds = gs.filter((g) => g.source === "request" && g.sourceRef && /^[0-9a-f-]{36}$/i.test(g.sourceRef)).map((g) => g.sourceRef!);
      const approvals = itemIds.length
        ? await ctx.db
            .select({ itemId: approvalSteps.itemId, by: people.displayName, at: approvalSteps.decidedAt, kind: approvalSteps.approverKind, route: accessRequestItems.route })
            .from(approvalSteps)
            .innerJoin(accessRequestItems, eq(accessRequestItems.id, approvalSteps.itemId))
            .leftJoin(people, eq(people.id, approvalSteps.decidedById))
            .where(and(inArray(approvalSteps.itemId, itemIds), eq(approvalSteps.status, "approved")))
        : [];
      return {
        person: { id: page.person.id, name: page.person.displayName, email: page.person.email, title: page.person.title, department: page.person.department, status: page.person.status },
        grants: gs.map((g) => {
          const ap = approvals.filter((x) => x.itemId === g.sourceRef);
          return {
            access: `${g.applicationName} ${g.entitlementName}`, status: g.status, privileged: g.privileged,
            source: g.source, why: g.roleName ? `${g.source} role "${g.roleName}"` : g.reason || g.source,
            approvedBy: ap.length ? ap.map((x) => `${x.by ?? "?"} (${x.kind})`) : g.source === "request" ? ["the routing policy (automatic)"] : g.grantedBy ? [g.grantedBy] : [],
            grantedAt: g.grantedAt, lastUsedAt: g.lastUsedAt, expiresAt: g.expiresAt,
          };
        }),
        accounts: page.accounts.map((x) => ({ application: x.applicationName, username: x.username, status: x.status, lastLoginAt: x.lastLoginAt })),
      };
    },
  );

  tool("my_requests", { title: "My requests", description: "Requests filed by or for this identity, with their status.", scope: "read", input: {} }, async (ctx) => {
    const rs = await listMyRequests({ ctx });
    return rs.slice(0, 50);
  });

  tool("my_approvals", { title: "My approvals", description: "Approval steps waiting for this identity, with risk and route reasons.", scope: "read", input: {} }, async (ctx) => {
    const rs = await listInbox({ ctx, now: nowOf(ctx) });
    return rs.slice(0, 50).map((s) => ({
      stepId: s.stepId, access: `${s.applicationName} ${s.entitlementName}`, beneficiary: s.beneficiaryName, requester: s.requesterName, justification: s.justification,
      riskScore: s.riskScore, privileged: s.privileged, routeReason: s.routeReason, stage: s.stage, dueAt: s.dueAt, overdue: s.overdue,
    }));
  });

  const draftInput = { text: z.string().min(3).max(2000).describe('What is needed, in plain words, e.g. "read access to Salesforce for Maria for 30 days"'), choices: z.record(z.string(), z.string().max(200)).optional() };
  tool(
    "draft_request",
    { title: "Draft a request", description: "Turn plain words into a request draft (the portal's parser): who, what, how long, with the problems found. Files nothing.", scope: "request", input: draftInput },
    async (ctx, a) => nlDraft({ ctx, input: a, now: nowOf(ctx) }),
  );

  tool(
    "file_request",
    {
      title: "File a request",
      description:
        "File an access request: from plain words (the same draft as draft_request, confirmed by this call) or from entitlement ids. It is scored and routed like any request; the result says which inbox it went to.",
      scope: "request",
      input: {
        text: z.string().min(3).max(2000).optional(),
        choices: z.record(z.string(), z.string().max(200)).optional(),
        entitlementIds: z.array(z.string().uuid()).max(20).optional(),
        beneficiary: uuidOrEmail.optional().describe("Person id or email (default: yourself; agents: their sponsor)"),
        justification: z.string().max(2000).optional(),
        durationDays: z.number().int().min(1).max(3650).optional(),
      },
    },
    async (ctx, a) => {
      const now = nowOf(ctx);
      let input: Record<string, unknown>;
      if (a.text) {
        const d = await nlDraft({ ctx, input: { text: a.text, choices: a.choices }, now });
        if (d.kind !== "draft") return d;
        if (!d.submittable) throw new ValidationError(`The draft cannot be filed: ${d.problems.join(" ") || "nothing to request"}`);
        input = {
          beneficiaryId: d.beneficiary!.id, items: d.items.map((i) => ({ entitlementId: i.entitlementId, durationDays: a.durationDays ?? d.durationDays ?? undefined })),
          justification: a.justification ?? d.justification, channel: "plain_language", originalText: a.text.slice(0, 500), confirmed: true,
        };
      } else {
        if (!a.entitlementIds?.length) throw new ValidationError("Give either text or entitlementIds.");
        const beneficiaryId = a.beneficiary ? await resolvePerson(ctx.db, a.beneficiary) : (ctx.actor.agent?.sponsorId ?? undefined);
        input = { beneficiaryId, items: a.entitlementIds.map((entitlementId) => ({ entitlementId, durationDays: a.durationDays })), justification: a.justification ?? "", channel: "api" };
      }
      const r = await createRequest({ ctx, input, now });
      const waiting = await ctx.db
        .select({ itemId: approvalSteps.itemId, approver: people.displayName, approverEmail: people.email, kind: approvalSteps.approverKind })
        .from(approvalSteps)
        .leftJoin(people, eq(people.id, approvalSteps.approverId))
        .where(and(inArray(approvalSteps.itemId, r.items.map((i) => i.itemId)), eq(approvalSteps.status, "pending")));
      return {
        requestId: r.requestId, status: r.status,
        items: r.items.map((i) => ({
          access: i.label, route: i.route, status: i.status, riskScore: i.riskScore, why: i.routeReasons,
          waitingFor: waiting.filter((w) => w.itemId === i.itemId).map((w) => ({ name: w.approver, email: w.approverEmail, as: w.kind })),
        })),
      };
    },
    (a) => ({ ...a, text: a.text?.slice(0, 200) }),
  );

  tool(
    "decide_approval",
    { title: "Decide an approval", description: "Approve or deny an approval step routed to this identity (never one's own request; agents never decide privileged access). Denials need a reason.", scope: "decide", input: { stepId: z.string().uuid(), decision: z.enum(["approve", "deny"]), comment: z.string().max(1000).optional() } },
    async (ctx, a) => decideStep({ ctx, input: a, now: nowOf(ctx) }),
  );

  tool("list_review_items", { title: "My review items", description: "Access review items assigned to this identity that still need a decision.", scope: "read", input: { limit: z.number().int().min(1).max(200).optional() } }, async (ctx, a) => {
    if (!can(ctx.actor, "review.view")) throw new ForbiddenError();
    const subject = sql<string>`(SELECT p.display_name FROM people p WHERE p.id = "review_items"."person_id")`;
    return ctx.db
      .select({
        itemId: reviewItems.id, campaign: reviewCampaigns.name, dueAt: reviewCampaigns.dueAt, person: subject, personId: reviewItems.personId,
        access: sql<string>`${applications.name} || ' ' || ${entitlements.name}`, privileged: entitlements.privileged, recommendation: reviewItems.recommendation, reasons: reviewItems.reasons,
      })
      .from(reviewItems)
      .innerJoin(reviewCampaigns, eq(reviewCampaigns.id, reviewItems.campaignId))
      .innerJoin(entitlements, eq(entitlements.id, reviewItems.entitlementId))
      .innerJoin(applications, eq(applications.id, entitlements.applicationId))
      .where(and(eq(reviewItems.reviewerId, ctx.actor.personId), isNull(reviewItems.decision), eq(reviewCampaigns.status, "active")))
      .orderBy(asc(reviewCampaigns.dueAt), asc(reviewItems.id))
      .limit(a.limit ?? 50);
  });

  tool(
    "decide_review_item",
    { title: "Decide a review item", description: "Keep or revoke one access under review, as its reviewer (never one's own access; agents never decide privileged access).", scope: "decide", input: { itemId: z.string().uuid(), decision: z.enum(["keep", "revoke"]), comment: z.string().max(2000).optional() } },
    async (ctx, a) => {
      if (ctx.actor.agent) {
        const [it] = await ctx.db.select({ privileged: entitlements.privileged }).from(reviewItems).innerJoin(entitlements, eq(entitlements.id, reviewItems.entitlementId)).where(and(eq(reviewItems.id, a.itemId), eq(reviewItems.reviewerId, ctx.actor.personId)));
        if (!it) throw new NotFoundError("No such review item is assigned to you.");
        if (it.privileged) throw new ForbiddenError("An agent never decides privileged access; a person must review it.");
      }
      return decideItem({ ctx, input: a, now: nowOf(ctx) });
    },
  );

  tool(
    "findings",
    {
      title: "Access findings",
      description: "Risky access to look at: dormant (unused) grants, peer outliers, drift from roles, or leavers whose accounts are still live. For admins, security and auditors.",
      scope: "read",
      input: { kind: z.enum(["dormant", "outliers", "drift", "leavers"]), page: z.number().int().min(1).max(1000).optional() },
    },
    async (ctx, a) => {
      if (a.kind !== "leavers") {
        const r = await listFindings({ ctx, input: { kind: a.kind, page: a.page ?? 1, pageSize: 25 }, now: nowOf(ctx) });
        return r;
      }
      if (!can(ctx.actor, "analytics.run")) throw new ForbiddenError("Only admins, security and auditors can see access findings.");
      const rows = await ctx.db
        .select({ personId: people.id, name: people.displayName, email: people.email, endDate: people.endDate, application: applications.name, username: accounts.username, accountStatus: accounts.status })
        .from(accounts)
        .innerJoin(people, eq(people.id, accounts.personId))
        .innerJoin(applications, eq(applications.id, accounts.applicationId))
        .where(and(eq(people.status, "terminated"), eq(accounts.status, "active")))
        .orderBy(asc(people.displayName))
        .limit(25)
        .offset(((a.page ?? 1) - 1) * 25);
      return { kind: "leavers", items: rows };
    },
  );

  tool(
    "analyze_roles_csv",
    {
      title: "Role analysis of a CSV",
      description: "Mine a small set of roles that reproduces every user's access exactly, from CSV text (pairs: 'user permission' per line; wide; long: employee,application,entitlement).",
      scope: "read",
      input: { csv: z.string().min(3).max(2_000_000), format: z.enum(["pairs", "wide", "long"]).optional(), timeLimitSeconds: z.number().min(0.2).max(10).optional() },
    },
    async (ctx, a) => {
      if (!can(ctx.actor, "analytics.run") && !can(ctx.actor, "role.edit") && !ctx.actor.roles.includes("app_owner") && !ctx.actor.roles.includes("manager"))
        throw new ForbiddenError("Role analysis is for managers, application owners, admins, security and auditors.");
      const fmt = (a.format ?? detectFormat(a.csv)) as "pairs" | "wide" | "long";
      let pairs: Array<[string, string]>;
      if (fmt === "pairs") pairs = parsePairs(a.csv);
      else {
        const seen = new Set<string>();
        pairs = [];
        for (const r of parseAccessCsv(a.csv, fmt).records) {
          const p = permissionOf(r);
          const k = `${r.employee}\u0000${p}`;
          if (!seen.has(k)) {
            seen.add(k);
            pairs.push([r.employee, p]);
          }
        }
      }
      if (!pairs.length) throw new ValidationError("The CSV has no user-permission pairs.");
      const res = mineRoles(pairs, { timeLimitMs: (a.timeLimitSeconds ?? 3) * 1000 });
      return {
        format: fmt, users: res.users, permissions: res.permissions, assignments: res.assignments, roles: res.roles.length, lowerBound: res.lowerBound, optimal: res.optimal,
        mined: res.roles.slice(0, 50).map((r, i) => ({ role: `R${i + 1}`, users: r.users, permissions: r.permissions })),
      };
    },
    (a) => ({ format: a.format ?? null, bytes: a.csv.length }),
  );

  tool("list_agents", { title: "List agents", description: "Agents this person sponsors (admins: all). Not available to agents.", scope: "read", input: {} }, async (ctx) =>
    (await listAgents({ ctx })).map((a) => ({ id: a.id, name: a.name, kind: a.kind, status: a.status, sponsor: a.sponsorEmail, scopes: a.scopes, expiresAt: a.expiresAt, lastUsedAt: a.lastUsedAt })),
  );

  tool(
    "disable_agent",
    { title: "Kill switch: disable an agent", description: "Disable an agent at once: tokens revoked, all grants revoked, accounts disabled. Admins, its sponsor or backups; never an agent.", scope: "admin", input: { agent: z.string().min(1).max(100), reason: z.string().max(500).optional() } },
    async (ctx, a) => disableAgent({ ctx, input: a }),
  );

  return server;
}

async function resolvePerson(db: Queryable, ref: string): Promise<string> {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref)) return ref;
  const [p] = await db.select({ id: people.id }).from(people).where(sql`lower(${people.email}) = lower(${ref})`);
  if (!p) throw new NotFoundError("No such person.");
  return p.id;
}
