import type { Metadata } from "next";
import { RoleMiningView } from "@/components/analytics/role-mining-view";
import { PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/can";
import { pageCtx } from "@/lib/services/ctx";
import { getMiningJob } from "@/lib/services/mining/mine-organisation";
import { requireAllowed } from "@/lib/services/run";
import { cancelMiningAction, draftsFromMinedAction, miningJobAction, startMiningAction } from "./actions";

export const metadata: Metadata = { title: "Role mining" };

export default async function RoleMiningPage() {
  const ctx = await pageCtx();
  requireAllowed(can(ctx.actor, "analytics.run"));
  const latest = await getMiningJob({ ctx });
  return (
    <>
      <PageHeader
        title="Role mining"
        subtitle="Find roles in everyone's current access: exactly (the smallest set that reproduces all of it) or approximately (far fewer roles covering a target share, the rest listed as exceptions). Each role is named from its members' job titles, explained by HR attributes and compared with existing templates; chosen roles become draft templates with exactly their entitlements."
      />
      <RoleMiningView initial={latest} canDraft={can(ctx.actor, "role.edit")} start={startMiningAction} cancel={cancelMiningAction} poll={miningJobAction} draft={draftsFromMinedAction} />
    </>
  );
}
