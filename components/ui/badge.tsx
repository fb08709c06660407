import type { ReactNode } from "react";

const tones = {
  gray: "bg-slate-100 text-slate-700 ring-slate-200",
  green: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  yellow: "bg-amber-50 text-amber-800 ring-amber-200",
  red: "bg-rose-50 text-rose-700 ring-rose-200",
  blue: "bg-sky-50 text-sky-700 ring-sky-200",
  purple: "bg-violet-50 text-violet-700 ring-violet-200",
} as const;

export type Tone = keyof typeof tones;

export function Badge({ tone = "gray", children, title }: { tone?: Tone; children: ReactNode; title?: string }) {
  return (
    <span title={title} className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${tones[tone]}`}>
      {children}
    </span>
  );
}

export function statusTone(status: string): Tone {
  switch (status) {
    case "active":
    case "succeeded":
    case "approved":
      return "green";
    case "pre_hire":
    case "pending":
    case "on_leave":
    case "queued":
      return "yellow";
    case "terminated":
    case "disabled":
    case "failed":
    case "dead":
    case "revoked":
    case "denied":
      return "red";
    default:
      return "gray";
  }
}

export const label = (s: string) => s.replace(/_/g, " ");
