import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { fmtDate } from "@/components/ui/dates";
import { pageCtx } from "@/lib/services/ctx";
import { listMyNotifications } from "@/lib/services/requests/notifications";
import { markReadAction } from "./actions";
import { MarkReadButton } from "./mark-read";

export const metadata: Metadata = { title: "Notifications" };
export const dynamic = "force-dynamic";

export default async function NotificationsPage() {
  const ctx = await pageCtx();
  const { items, unread } = await listMyNotifications({ ctx });
  return (
    <>
      <PageHeader
        title="Notifications"
        subtitle={unread ? `${unread} unread.` : "Everything is read."}
        actions={unread > 0 ? <MarkReadButton action={markReadAction} label="Mark all as read" /> : undefined}
      />
      <Card>
        {items.length === 0 ? (
          <p className="text-sm text-slate-600">No notifications yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {items.map((n) => (
              <li key={n.id} className={`flex items-start justify-between gap-4 py-3 ${n.readAt ? "opacity-70" : ""}`}>
                <div>
                  <p className="text-sm font-medium">
                    {!n.readAt && <><span className="mr-2 inline-block h-2 w-2 rounded-full bg-brand-600" aria-hidden="true" /><span className="sr-only">Unread: </span></>}
                    {n.link ? <a href={n.link} className="hover:text-brand-700">{n.title}</a> : n.title}
                  </p>
                  {n.body && <p className="mt-0.5 text-sm text-slate-600">{n.body}</p>}
                  <p className="mt-0.5 text-xs text-slate-600">{fmtDate(n.createdAt)}</p>
                </div>
                {!n.readAt && <MarkReadButton action={markReadAction} id={n.id} label="Mark read" />}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
