/**
 * Organisation figures are analytics over every grant and account (hundreds of thousands of
 * rows at 20,000 people): computing them on each dashboard view would cost every admin
 * ~0.5–1 s. They are kept per process as a snapshot at most `maxAgeMs` old, refreshed in
 * the background (stale-while-revalidate): only the first view after start waits. The page
 * shows the snapshot's time, so nobody mistakes it for a live count.
 */
import type { Queryable } from "@/db/client";
import { findingCounts, plantedCounts } from "@/db/queries/findings";
import { orgFigures } from "@/db/queries/stats";

export type OrgSnapshot = Awaited<ReturnType<typeof orgFigures>> & {
  findings: Awaited<ReturnType<typeof findingCounts>>;
  planted: Record<string, number> | null;
  computedAt: string;
  computeMs: number;
};

type Slot = { value?: OrgSnapshot; at: number; pending?: Promise<OrgSnapshot> };
const g = globalThis as typeof globalThis & { __gatehouseOrgSnapshot?: Slot };
const slot = (g.__gatehouseOrgSnapshot ??= { at: 0 });

async function compute(db: Queryable): Promise<OrgSnapshot> {
  const t0 = performance.now();
  const [figures, findings, planted] = await Promise.all([orgFigures(db), findingCounts(db), plantedCounts(db)]);
  return { ...figures, findings, planted, computedAt: new Date().toISOString(), computeMs: Math.round(performance.now() - t0) };
}

function refresh(db: Queryable): Promise<OrgSnapshot> {
  slot.pending ??= compute(db)
    .then((v) => {
      slot.value = v;
      slot.at = Date.now();
      return v;
    })
    .finally(() => {
      slot.pending = undefined;
    });
  return slot.pending;
}

export async function orgSnapshot(db: Queryable, opts: { maxAgeMs?: number; fresh?: boolean } = {}): Promise<OrgSnapshot> {
  const maxAge = opts.maxAgeMs ?? 60_000;
  if (opts.fresh || !slot.value) return refresh(db);
  if (Date.now() - slot.at > maxAge) void refresh(db).catch((e) => console.error("[dashboard] refresh failed", e));
  return slot.value;
}

/** After a change that moves the figures (an import, a seed), the next view recomputes. */
export function invalidateOrgSnapshot(): void {
  slot.at = 0;
}
