/**
 * Optional chat notification of pending approvals: when GATEHOUSE_CHAT_WEBHOOK_URL is set (read only through
 * lib/env.ts), one JSON POST ({ text }) per batch of approval steps that just became pending, with approve and deny
 * links into the portal (/approvals?step=<id>&decision=approve|deny; the approver still signs in and confirms).
 * Called after the transaction committed, never inside one; a failed POST is logged and never thrown: the in-app
 * notification and the mail outbox already carry the same news.
 */
import { chatWebhookUrl, publicBaseUrl } from "@/lib/env";

export type PendingStep = { stepId: string; approverId: string | null; label: string; beneficiary: string; riskScore: number | null };

type Poster = (url: string, body: unknown) => Promise<void>;

const defaultPoster: Poster = async (url, body) => {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`chat webhook answered ${res.status}`);
};
let poster: Poster = defaultPoster;

/** Test hook: replace the HTTP POST (null restores fetch). */
export function setChatPoster(p: Poster | null): void {
  poster = p ?? defaultPoster;
}

export function chatMessage(steps: PendingStep[], base = publicBaseUrl()): { text: string } {
  const lines = steps.map((s) => {
    const link = (d: string) => `${base}/approvals?step=${encodeURIComponent(s.stepId)}&decision=${d}`;
    return `• ${s.label} for ${s.beneficiary}${s.riskScore != null ? ` (risk ${s.riskScore}/10)` : ""}: approve ${link("approve")} · deny ${link("deny")}`;
  });
  return { text: `Approval${steps.length === 1 ? "" : "s"} waiting in Gatehouse:\n${lines.join("\n")}` };
}

/** Post the steps to the chat webhook if one is configured. Never throws. */
export async function postPendingApprovals(steps: PendingStep[]): Promise<"sent" | "off" | "failed"> {
  if (!steps.length) return "off";
  let url: string | null = null;
  try {
    url = chatWebhookUrl();
  } catch (e) {
    console.warn("[gatehouse] chat webhook: invalid configuration:", (e as Error).message);
    return "failed";
  }
  if (!url) return "off";
  try {
    await poster(url, chatMessage(steps));
    return "sent";
  } catch (e) {
    console.warn("[gatehouse] chat webhook POST failed:", (e as Error).message);
    return "failed";
  }
}
