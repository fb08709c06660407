/** TanStack Query keys of the review views, in one place. */
export const reviewKeys = {
  campaigns: ["reviews", "campaigns"] as const,
  campaign: (id: string) => ["reviews", "campaign", id] as const,
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
