/**
 * Request insights for admins, security and auditors: requests per week by path (auto / manager / owner_security),
 * time to access (request created → the grant's provisioning operation finished: median, p95), the auto-approval
 * rate, and approval rates + median decision times by department with bias monitoring: a department is flagged when
 * its approval rate differs from the overall rate by more than 2 standard errors (SE = sqrt(p(1-p)/n_department),
 * p = overall rate), with the numbers shown so a reader can judge.
 */
import { autoApprovalCounts, decisionsByDepartment, requestsPerWeekByPath, timeToAccess } from "@/db/queries/requests";
import { can } from "@/lib/auth/can";
import { ForbiddenError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";

const DAY = 86_400_000;

export type DepartmentRow = {
  department: string; decided: number; approved: number; approvalRate: number; medianDecisionHours: number | null;
  /** (rate - overall) / SE; null when SE is 0. */
  z: number | null; standardError: number; flagged: boolean;
};

export type RequestInsights = {
  since: string;
  weekly: Array<{ week: string; auto: number; manager: number; owner_security: number }>;
  timeToAccess: { n: number; medianHours: number | null; p95Hours: number | null };
  autoApproval: { items: number; auto: number; rate: number | null };
  overall: { decided: number; approved: number; approvalRate: number | null };
  departments: DepartmentRow[];
};

export async function requestInsights({ ctx, now = new Date(), days = 84 }: { ctx: Ctx; now?: Date; days?: number }): Promise<RequestInsights> {
  if (!can(ctx.actor, "audit.read")) throw new ForbiddenError("Only admins, security and auditors can see request insights.");
  const since = new Date(now.getTime() - days * DAY);
  const [weekly, tta, auto, depts] = await Promise.all([
    requestsPerWeekByPath(ctx.db, since),
    timeToAccess(ctx.db, since),
    autoApprovalCounts(ctx.db, since),
    decisionsByDepartment(ctx.db, since),
  ]);
  return { since: since.toISOString(), weekly, timeToAccess: tta, autoApproval: { ...auto, rate: auto.items ? auto.auto / auto.items : null }, ...departmentBias(depts) };
}

/** Pure: overall rate and per-department deviation in standard errors. */
export function departmentBias(rows: Array<{ department: string; decided: number; approved: number; medianHours: number | null }>) {
  const decided = rows.reduce((a, r) => a + r.decided, 0);
  const approved = rows.reduce((a, r) => a + r.approved, 0);
  const p = decided ? approved / decided : null;
  const departments: DepartmentRow[] = rows.map((r) => {
    const rate = r.decided ? r.approved / r.decided : 0;
    const se = p == null || !r.decided ? 0 : Math.sqrt((p * (1 - p)) / r.decided);
    const z = se > 0 && p != null ? (rate - p) / se : null;
    return { department: r.department, decided: r.decided, approved: r.approved, approvalRate: rate, medianDecisionHours: r.medianHours, z, standardError: se, flagged: z != null && Math.abs(z) > 2 };
  });
  return { overall: { decided, approved, approvalRate: p }, departments };
}
