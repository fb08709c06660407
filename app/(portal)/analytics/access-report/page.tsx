import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/card";
import { requireAllowed } from "@/lib/services/run";
import { AccessReportView } from "@/components/forms/access-report";
import { can } from "@/lib/auth/can";
import { requireActor } from "@/lib/auth/session";
import { accessReportAction, draftTemplatesAction } from "./actions";

export const metadata: Metadata = { title: "Access analysis" };

export default async function AccessReportPage() {
  const actor = await requireActor();
  requireAllowed(can(actor, "analytics.run"));
  return (
    <>
      <PageHeader
        title="Access analysis"
        subtitle="Upload who has what (a spreadsheet export) and get roles, what each role needs, inconsistent access, suggested permission levels and people who do not match their role."
      />
      <AccessReportView analyse={accessReportAction} draft={draftTemplatesAction} canDraft={can(actor, "role.edit")} />
      <p className="mt-6 text-xs text-slate-600">
        Wide format: <code>Employee_Name, Department, Job_Title, &lt;one column per application with Yes/No&gt;</code>. Long format:{" "}
        <code>employee, application, entitlement[, level, last_used]</code>. The file is analysed in memory and not stored.
      </p>
    </>
  );
}
