import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import { pageCtx } from "@/lib/services/ctx";
import { listMyTasks } from "@/lib/services/systems/manual-tasks";
import { confirmTaskAction, uploadAccountsAction } from "./actions";
import { ConfirmTaskForm, UploadAccountsForm } from "./task-forms";

export const metadata: Metadata = { title: "My tasks" };
export const dynamic = "force-dynamic";

export default async function TasksPage() {
  const ctx = await pageCtx();
  const tasks = await listMyTasks({ ctx });
  const open = tasks.filter((t) => t.status === "open");
  const done = tasks.filter((t) => t.status === "done");
  const apps = [...new Map(tasks.map((t) => [t.applicationId, { id: t.applicationId, name: t.applicationName }])).values()];
  return (
    <>
      <PageHeader title="My tasks" subtitle="Changes to systems you own that Gatehouse cannot make by itself. Do the change, then mark it done; an uploaded account list verifies it." />
      <Card title={`To do (${open.length})`} className="mb-6">
        {open.length === 0 ? (
          <EmptyState title="Nothing to do">New tasks appear here when someone needs access to a system you fulfil by hand.</EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100">
            {open.map((t) => (
              <li key={t.id} className="py-3">
                <div className="flex flex-wrap items-center gap-2 text-sm">
                  <strong>{t.applicationName}</strong>
                  <span className="text-slate-600">{t.kind.replace(/_/g, " ")}{t.personName ? ` · ${t.personName}` : ""}</span>
                  {t.overdue ? <Badge tone="red">overdue since {fmtDate(t.dueAt)}</Badge> : <Badge tone="gray">due {fmtDate(t.dueAt)}</Badge>}
                </div>
                <p className="my-2 whitespace-pre-line text-sm text-slate-800">{t.instructions}</p>
                <ConfirmTaskForm action={confirmTaskAction} taskId={t.id} needsId={t.kind === "create_account"} label={t.instructions.split("\n")[0] ?? t.kind} />
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title={`Done, awaiting verification (${done.length})`} className="mb-6">
        {done.length === 0 ? (
          <p className="text-sm text-slate-600">None.</p>
        ) : (
          <ul className="text-sm">
            {done.map((t) => (
              <li key={t.id} className="py-1">{t.applicationName}: {t.instructions.split("\n")[0]} <span className="text-slate-600">(done {fmtDate(t.completedAt)})</span></li>
            ))}
          </ul>
        )}
      </Card>
      {apps.length > 0 && (
        <Card title="Upload an account list">
          <UploadAccountsForm action={uploadAccountsAction} apps={apps} />
        </Card>
      )}
    </>
  );
}
