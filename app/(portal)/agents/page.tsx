import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import { can, has } from "@/lib/auth/can";
import { AGENT_DEFAULT_DAYS, AGENT_MAX_DAYS, listAgents, recentAgentCalls } from "@/lib/services/agents/agents";
import { pageCtx } from "@/lib/services/ctx";
import { requireAllowed, runForPage } from "@/lib/services/run";
import { createAgentAction, disableAgentAction, rotateAgentTokenAction } from "./actions";
import { KillSwitchButton, RegisterAgentForm, RotateTokenButton } from "./agent-forms";

export const metadata: Metadata = { title: "Agents" };
export const dynamic = "force-dynamic";
const DAY = 86_400_000;

/** AI agents and service accounts: admins see all; everyone else the agents they sponsor or back up. */
export default async function AgentsPage() {
  const ctx = await pageCtx();
  requireAllowed(can(ctx.actor, "token.personal"));
  const [list, calls] = await runForPage(() => Promise.all([listAgents({ ctx }), recentAgentCalls({ ctx, input: { limit: 30 } })]));
  const isAdmin = has(ctx.actor, "admin");
  const now = Date.now();
  const day = (ms: number) => new Date(now + ms).toISOString().slice(0, 10);
  return (
    <>
      <PageHeader
        title="Agents"
        subtitle="AI agents and service accounts you sponsor. They act through Gatehouse's MCP server with their own token and get access only through requests you file; you review their access and can disable them at once."
      />
      <Card title="Register an agent" className="mb-6">
        <RegisterAgentForm action={createAgentAction} isAdmin={isAdmin} defaultExpires={day(AGENT_DEFAULT_DAYS * DAY)} maxExpires={day(AGENT_MAX_DAYS * DAY)} />
      </Card>
      <Card title={isAdmin ? "All agents" : "Your agents"} className="mb-6">
        {list.length === 0 ? (
          <p className="text-sm text-slate-600">No agents yet.</p>
        ) : (
          <div className="overflow-x-auto"><table className="w-full text-sm">
            <caption className="sr-only">Agents</caption>
            <thead className="text-left text-slate-600">
              <tr><th scope="col">Name</th><th scope="col">Sponsor</th><th scope="col">Scopes</th><th scope="col">Expires</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {list.map((a) => (
                <tr key={a.id} className="border-t border-slate-100 align-top">
                  <td className="py-2">
                    <a href={`/people/${a.personId}`} className="font-medium text-brand-700 hover:underline">{a.name}</a>
                    <div className="text-xs text-slate-600">{a.kind === "agent" ? "AI agent" : "Service account"}{a.purpose ? ` · ${a.purpose}` : ""}</div>
                  </td>
                  <td className="py-2">{a.sponsorName ?? "none"}</td>
                  <td className="py-2">{a.scopes.join(", ")}</td>
                  <td className="py-2">{fmtDate(a.expiresAt)}</td>
                  <td className="py-2">{a.lastUsedAt ? fmtDate(a.lastUsedAt) : "never"}</td>
                  <td className="py-2">{a.status === "active" ? "active" : `disabled${a.disabledReason ? `: ${a.disabledReason}` : ""}`}</td>
                  <td className="space-x-2 py-2 text-right">
                    {a.status === "active" && (
                      <>
                        <RotateTokenButton action={rotateAgentTokenAction} id={a.id} name={a.name} />
                        <KillSwitchButton action={disableAgentAction} id={a.id} name={a.name} />
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table></div>
        )}
      </Card>
      <Card title="Recent calls">
        {calls.length === 0 ? (
          <p className="text-sm text-slate-600">No calls yet.</p>
        ) : (
          <div className="overflow-x-auto"><table className="w-full text-sm">
            <caption className="sr-only">Recent agent calls</caption>
            <thead className="text-left text-slate-600">
              <tr><th scope="col">When</th><th scope="col">Agent</th><th scope="col">Tool</th><th scope="col">Outcome</th></tr>
            </thead>
            <tbody>
              {calls.map((c) => (
                <tr key={c.seq} className="border-t border-slate-100">
                  <td className="py-1">{c.at.toISOString().replace("T", " ").slice(0, 19)}</td>
                  <td className="py-1">{c.agentName}</td>
                  <td className="py-1 font-mono text-xs">{c.tool}</td>
                  <td className="py-1">{c.outcome}{c.error ? `: ${c.error}` : ""}</td>
                </tr>
              ))}
            </tbody>
          </table></div>
        )}
        <p className="mt-3 text-xs text-slate-600">Every call is also in the audit log (action mcp.call, actor kind agent). Connecting an agent: docs/agents.md.</p>
      </Card>
    </>
  );
}
