import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/card";
import { Forbidden } from "@/components/ui/forbidden";
import { HrImportForm } from "@/components/forms/hr-import-form";
import { can } from "@/lib/auth/can";
import { requireActor } from "@/lib/auth/session";
import { hrImportAction } from "./actions";

export const metadata: Metadata = { title: "HR import" };

export default async function HrImportPage() {
  const actor = await requireActor();
  if (!can(actor, "hr.import")) return <Forbidden message="Only admins can import HR files." />;
  return (
    <>
      <PageHeader
        title="HR import"
        subtitle="Upload an HR snapshot (CSV). You see the detected joiners, movers and leavers and the access changes before anything is applied."
      />
      <HrImportForm action={hrImportAction} />
      <p className="mt-6 text-xs text-slate-500">
        Columns: employee_id, first_name, last_name, email, department, title, level, location, manager_id, employment_type, status, start_date,
        end_date (Workday and BambooHR export headers are recognised; other columns become attributes).
      </p>
    </>
  );
}
