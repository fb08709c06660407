import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/card";
import { requireAllowed } from "@/lib/services/run";
import { HrImportForm } from "@/components/forms/hr-import-form";
import { can } from "@/lib/auth/can";
import { requireActor } from "@/lib/auth/session";
import { hrImportAction } from "./actions";

export const metadata: Metadata = { title: "HR import" };

export default async function HrImportPage() {
  const actor = await requireActor();
  requireAllowed(can(actor, "hr.import"));
  return (
    <>
      <PageHeader
        title="HR import"
        subtitle="Upload an HR snapshot (CSV). You see the detected joiners, movers and leavers and the access changes before anything is applied."
      />
      <HrImportForm action={hrImportAction} />
      <p className="mt-6 text-xs text-slate-600">
        Columns: employee_id, first_name, last_name, email, department, title, level, location, manager_id, employment_type, status, start_date,
        end_date (Workday and BambooHR export headers are recognised; other columns become attributes).
      </p>
    </>
  );
}
