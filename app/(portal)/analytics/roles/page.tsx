import type { Metadata } from "next";
import { RoleMiningView } from "@/components/analytics/role-mining-view";
import { PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/can";
import { pageCtx } from "@/lib/services/ctx";
import { getMiningJob } from "@/lib/services/mining/mine-organisation";
import { requireAllowed } from "@/lib/services/run";
import { draftsFromMinedAction, miningJobAction, startMiningAction } from "./actions";

export const metadata: Metadata = { title: "Role mining" };

export default async function RoleMiningPage() {
  const ctx = await pageCtx();
  requireAllowed(can(ctx.actor, "analytics.run"));
  const latest = await getMiningJob({ ctx });
  return (
    <>
      <PageHeader
        title="Role mining"
        subtitle="Find the smallest set of roles that reproduces everyone's current access exactly, see which HR attributes explain each role and how it compares with existing templates, then turn chosen roles into draft templates."
      />
      <RoleMiningView initial={latest} canDraft={can(ctx.actor, "role.edit")} start={startMiningAction} poll={miningJobAction} draft={draftsFromMinedAction} />
    </>
  );
}
