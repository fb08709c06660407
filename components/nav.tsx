import type { ReactNode } from "react";
import type { Actor } from "@/lib/auth/can";
import { can } from "@/lib/auth/can";
import { NavMenu } from "@/components/nav-menu";
import { pageCtx } from "@/lib/services/ctx";
import { countPendingApprovals } from "@/lib/services/requests/count-pending";

/** The number of approvals waiting for the signed-in person, next to the "Approvals" link. */
async function PendingApprovals() {
  const n = await countPendingApprovals({ ctx: await pageCtx() }).catch(() => 0);
  return n > 0 ? <span className="ml-1 rounded-full bg-brand-600 px-1.5 text-xs text-white">{n}<span className="sr-only"> waiting</span></span> : null;
}

type Link = { href: string; label: string; extra?: ReactNode };

export function Nav({ actor, demoBanner }: { actor: Actor; demoBanner: boolean }) {
  // Everyday work first; governance and administration on a second row for those who have them.
  const links: Link[] = [{ href: "/dashboard", label: "Dashboard" }, { href: `/people/${actor.personId}`, label: "My access" }];
  if (can(actor, "request.view")) {
    links.push({ href: "/requests/new", label: "Request access" }, { href: "/requests", label: "My requests" });
    links.push({ href: "/approvals", label: "Approvals", extra: <PendingApprovals /> });
  }
  if (can(actor, "review.view")) links.push({ href: "/reviews", label: "Reviews" });
  if (actor.roles.includes("app_owner") || can(actor, "admin.area")) links.push({ href: "/tasks", label: "Tasks" });
  if (can(actor, "people.list")) links.push({ href: "/people", label: "People" });
  links.push({ href: "/applications", label: "Applications" });
  // Personal links sit beside the name, so the main row stays one line.
  const personal: Link[] = [{ href: "/notifications", label: "Notifications" }];
  if (can(actor, "request.view")) personal.push({ href: "/settings", label: "Settings" });
  if (can(actor, "token.personal")) personal.push({ href: "/agents", label: "Agents" });
  const admin: Link[] = [];
  if (can(actor, "operations.view")) admin.push({ href: "/lifecycle", label: "Lifecycle" }, { href: "/operations", label: "Operations" }, { href: "/incidents", label: "Incidents" });
  if (can(actor, "analytics.run")) admin.push({ href: "/analytics/access-report", label: "Access analysis" });
  if (can(actor, "analytics.run")) admin.push({ href: "/analytics/roles", label: "Role mining" });
  if (can(actor, "analytics.run")) admin.push({ href: "/analytics/findings", label: "Findings" });
  if (can(actor, "role.edit")) admin.push({ href: "/admin/roles", label: "Roles & rules" });
  if (can(actor, "application.configure")) admin.push({ href: "/admin/systems", label: "Systems" });
  if (can(actor, "hr.import")) admin.push({ href: "/admin/hr-import", label: "HR import" });
  if (can(actor, "admin.area")) admin.push({ href: "/admin/scim-tokens", label: "SCIM tokens" });
  if (can(actor, "admin.area")) admin.push({ href: "/admin/portal-roles", label: "Portal roles" });
  if (can(actor, "admin.area")) admin.push({ href: "/admin/held-runs", label: "Held runs" });
  if (can(actor, "admin.area")) admin.push({ href: "/admin/sod", label: "Separation of duties" });
  if (can(actor, "audit.read")) admin.push({ href: "/admin/risk", label: "Risk model" }, { href: "/admin/routing", label: "Routing policy" }, { href: "/requests/insights", label: "Request insights" });
  if (can(actor, "audit.read")) admin.push({ href: "/audit", label: "Audit log" });
  if (can(actor, "admin.area")) admin.push({ href: "/admin/outbox", label: "Mail outbox" });
  const roles = actor.roles.filter((r) => r !== "employee");
  return (
    <header className="border-b border-slate-200 bg-white">
      {demoBanner && (
        <div className="bg-amber-100 px-4 py-1 text-center text-xs text-amber-900" role="note">
          Demo sign-in is enabled: anyone can sign in as any persona. Do not use with real data.
        </div>
      )}
      <NavMenu>
      <div className="mx-auto flex max-w-7xl flex-col gap-3 px-4 py-3 md:flex-row md:flex-wrap md:items-center md:justify-between md:gap-4">
        <div className="flex flex-col gap-3 md:flex-row md:items-center md:gap-5">
          <a href="/dashboard" className="hidden text-lg font-bold text-brand-900 md:inline">
            Gatehouse
          </a>
          <nav aria-label="Main">
            <ul className="flex flex-col gap-x-3 gap-y-2 text-sm md:flex-row md:flex-wrap md:gap-y-1">
              {links.map((l) => (
                <li key={l.href}>
                  <a href={l.href} className="text-slate-700 hover:text-brand-700">
                    {l.label}
                  </a>
                  {l.extra}
                </li>
              ))}
            </ul>
          </nav>
        </div>
        <div className="flex flex-wrap items-center gap-3 text-sm md:ml-auto">
          <span title={roles.length > 0 ? roles.join(", ").replace(/_/g, " ") : undefined}>
            <span className="font-medium" data-testid="actor-name">{actor.name}</span>
            {roles.length > 0 && <span className="sr-only"> ({roles.join(", ").replace(/_/g, " ")})</span>}
          </span>
          {personal.map((l) => (
            <a key={l.href} href={l.href} className="text-slate-700 hover:text-brand-700">
              {l.label}
            </a>
          ))}
          <a href="/api/auth/signout" className="rounded border border-slate-300 px-2 py-1 text-slate-700 hover:bg-slate-50">
            Sign out
          </a>
        </div>
      </div>
      {admin.length > 0 && (
        <nav aria-label="Administration" className="border-t border-slate-100 bg-slate-50">
          <ul className="mx-auto flex max-w-7xl flex-col gap-2 px-4 py-2 text-sm md:flex-row md:flex-wrap md:gap-4 md:py-1.5 md:text-xs">
            {admin.map((l) => (
              <li key={l.href}>
                <a href={l.href} className="text-slate-700 hover:text-brand-700">
                  {l.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      </NavMenu>
    </header>
  );
}
