import type { SystemHealth } from "@/db/queries/system-health";

const tone: Record<SystemHealth["band"], string> = {
  healthy: "bg-emerald-100 text-emerald-800",
  degraded: "bg-amber-100 text-amber-900",
  unhealthy: "bg-rose-100 text-rose-800",
};

/** Score chip with the reasons as its title (and listed in full on the system page). */
export function HealthScore({ health }: { health: SystemHealth | null }) {
  if (!health) return <span className="text-slate-600">—</span>;
  return (
    <span title={health.reasons.join("\n") || "No problems found"} className={`inline-block rounded px-2 py-0.5 text-xs font-semibold ${tone[health.band]}`}>
      {health.score} · {health.band}
    </span>
  );
}
