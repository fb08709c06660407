import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import { can } from "@/lib/auth/can";
import { pageCtx } from "@/lib/services/ctx";
import { listPortalRoles } from "@/lib/services/people/portal-roles";
import { requireAllowed } from "@/lib/services/run";
import { changePortalRoleAction } from "./actions";
import { GrantRoleForm, RevokeRoleButton } from "./role-forms";

export const metadata: Metadata = { title: "Portal roles" };
export const dynamic = "force-dynamic";

const WHAT: Record<string, string> = {
  admin: "configure everything: systems, roles, rules, HR imports, campaigns",
  auditor: "read everything, change nothing",
  security: "read everything; decide security approval stages",
};

export default async function PortalRolesPage() {
  const ctx = await pageCtx();
  requireAllowed(can(ctx.actor, "admin.area"));
  const holders = await listPortalRoles({ ctx });
  return (
    <>
      <PageHeader
        title="Portal roles"
        subtitle="Roles in Gatehouse itself that HR data does not give. Managers and application owners follow from HR data and ownership; these are granted here. Every change is audited; the last admin cannot be removed."
      />
      <Card title="Grant a role" className="mb-6">
        <GrantRoleForm action={changePortalRoleAction} />
        <ul className="mt-3 text-xs text-slate-600">
          {Object.entries(WHAT).map(([r, w]) => <li key={r}><strong className="capitalize">{r}</strong>: {w}</li>)}
        </ul>
      </Card>
      <Card title={`Holders (${holders.length})`}>
        <div className="overflow-x-auto"><table className="w-full text-sm">
          <caption className="sr-only">People holding portal roles</caption>
          <thead className="text-left text-slate-600">
            <tr><th scope="col">Role</th><th scope="col">Person</th><th scope="col">Email</th><th scope="col">Since</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
          </thead>
          <tbody>
            {holders.map((h) => (
              <tr key={`${h.personId}:${h.role}`} className="border-t border-slate-100">
                <td className="py-2 capitalize">{h.role}</td>
                <td className="py-2 font-medium">{h.displayName}{h.status === "terminated" && <span className="ml-2 text-xs text-rose-700">leaver</span>}</td>
                <td className="py-2">{h.email}</td>
                <td className="py-2">{fmtDate(h.grantedAt)}</td>
                <td className="py-2 text-right"><RevokeRoleButton action={changePortalRoleAction} email={h.email} role={h.role} name={h.displayName} /></td>
              </tr>
            ))}
          </tbody>
        </table></div>
      </Card>
    </>
  );
}
