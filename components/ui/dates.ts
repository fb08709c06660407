export function fmtDate(d: Date | string | null | undefined): string {
  if (!d) return "—";
  const x = typeof d === "string" ? new Date(d) : d;
  if (Number.isNaN(x.getTime())) return "—";
  return x.toISOString().slice(0, 10);
}

export function daysAgo(d: Date | string | null | undefined, now = Date.now()): number | null {
  if (!d) return null;
  const x = typeof d === "string" ? new Date(d) : d;
  return Math.floor((now - x.getTime()) / 86_400_000);
}
