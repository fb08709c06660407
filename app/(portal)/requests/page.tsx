import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/card";
import { MyRequestsLive } from "@/components/requests/my-requests-live";
import { pageCtx } from "@/lib/services/ctx";
import { listMyRequests } from "@/lib/services/requests/list-my-requests";
import { runForPage } from "@/lib/services/run";
import { myRequestsAction, withdrawRequestAction } from "./actions";

export const metadata: Metadata = { title: "My requests" };

export default async function MyRequestsPage() {
  const ctx = await pageCtx();
  const res = await runForPage(() => listMyRequests({ ctx }));
  return (
    <>
      <PageHeader
        title="My requests"
        subtitle="Requests you filed and requests filed for you, with where each one is: approvals, then provisioning."
        actions={<a href="/requests/new" className="rounded-md bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700">Request access</a>}
      />
      <MyRequestsLive initial={res} me={ctx.actor.personId} load={myRequestsAction} withdraw={withdrawRequestAction} />
    </>
  );
}
