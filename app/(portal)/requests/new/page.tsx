import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { Pagination } from "@/components/ui/pagination";
import { NlRequest } from "@/components/requests/nl-request";
import { RequestForm } from "@/components/requests/request-form";
import { EXAMPLES } from "@/lib/domain/nl/parser";
import { pageCtx } from "@/lib/services/ctx";
import { getCatalog } from "@/lib/services/requests/get-catalog";
import { runForPage } from "@/lib/services/run";
import { createRequestAction, draftAction } from "./actions";
import { ParamNotices } from "@/components/ui/param-notices";
import type { RawSearchParams } from "@/lib/http/search-params";
import { catalogParams } from "@/lib/http/page-params";

export const metadata: Metadata = { title: "Request access" };

export default async function NewRequestPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const ctx = await pageCtx();
  const { values: sp, notices } = catalogParams(await searchParams);
  const res = await runForPage(() => getCatalog({ ctx, input: sp }));
  const c = res;
  const self = c.beneficiary.id === ctx.actor.personId;
  const field = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";
  return (
    <>
      <PageHeader title="Request access" subtitle="Search the catalog, or describe what you need in your own words. Low-risk access most of your peers hold is approved at once." />
      <ParamNotices notices={notices} />
      <Card title="In your own words" className="mb-6">
        <NlRequest draftAction={draftAction} createAction={createRequestAction} examples={EXAMPLES.slice(0, 3)} />
      </Card>
      <form role="search" method="get" className="mb-4 flex flex-wrap items-end gap-3">
        {c.beneficiaries.length > 1 && (
          <label className="flex flex-col text-xs font-medium text-slate-600">
            For
            <select name="beneficiaryId" defaultValue={c.beneficiary.id} className={field}>
              {c.beneficiaries.map((b) => (
                <option key={b.id} value={b.id}>{b.displayName}</option>
              ))}
            </select>
          </label>
        )}
        <label className="flex flex-col text-xs font-medium text-slate-600">
          Search the catalog
          <input name="q" defaultValue={c.filter.q ?? ""} placeholder="Application or entitlement" className={`${field} w-64`} />
        </label>
        <button className="rounded-md bg-brand-600 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-700">Search</button>
      </form>
      <p className="mb-3 text-sm text-slate-600">
        Requesting for <span className="font-medium">{self ? "yourself" : c.beneficiary.displayName}</span> ({c.beneficiary.title}, {c.beneficiary.department}). Peers: {c.peerGroup} ({c.peerCount}).
      </p>
      <RequestForm
        key={c.beneficiary.id}
        action={createRequestAction}
        beneficiaryId={c.beneficiary.id}
        beneficiaryName={self ? "you" : c.beneficiary.displayName}
        rows={c.rows}
        suggested={c.suggested}
        peerGroup={c.peerGroup}
      />
      <Pagination page={c.filter.page} pageSize={c.filter.pageSize} total={c.total} params={{ q: c.filter.q, beneficiaryId: c.filter.beneficiaryId }} basePath="/requests/new" />
    </>
  );
}
