/** TanStack Query keys of the review views, in one place. */
export const reviewKeys = {
  campaigns: ["reviews", "campaigns"] as const,
  /** Everything of one campaign (invalidate this prefix after a decision: the board's pages and the orphans). */
  campaign: (id: string) => ["reviews", "campaign", id] as const,
  /** One view of the board: the canonical search string (lib/domain/review-board-query.ts boardSearch). */
  board: (id: string, search: string) => ["reviews", "campaign", id, "board", search] as const,
  orphans: (id: string) => ["reviews", "campaign", id, "orphans"] as const,
  /** A manager's team-review form: the people below them and the applications they hold. */
  teamOptions: ["reviews", "team-options"] as const,
};

/** fetch JSON from /api/v1/reviews; the server's user-facing message becomes the Error's message. */
export async function api<T>(url: string, init?: { method?: string; body?: unknown }): Promise<T> {
  const res = await fetch(url, {
    method: init?.method ?? "GET",
    headers: init?.body !== undefined ? { "Content-Type": "application/json" } : undefined,
    body: init?.body !== undefined ? JSON.stringify(init.body) : undefined,
    cache: "no-store",
  });
  const data = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new Error(data.error ?? `Request failed (${res.status})`);
  return data;
}
