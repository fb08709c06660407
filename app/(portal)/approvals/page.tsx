import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/card";
import { ApprovalInbox } from "@/components/requests/approval-inbox";
import { pageCtx } from "@/lib/services/ctx";
import { listInbox } from "@/lib/services/requests/list-inbox";
import { runForPage } from "@/lib/services/run";
import { bulkApproveAction, decideAction } from "./actions";

export const metadata: Metadata = { title: "Approvals" };

export default async function ApprovalsPage() {
  const ctx = await pageCtx();
  const res = await runForPage(() => listInbox({ ctx }));
  return (
    <>
      <PageHeader title="Approvals" subtitle="Access requests waiting for your decision, with what you need to decide: who, what, why, the risk and its reasons, and what their peers hold." />
      <ApprovalInbox entries={res} decide={decideAction} bulk={bulkApproveAction} />
    </>
  );
}
