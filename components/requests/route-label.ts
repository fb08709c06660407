/** Words for routes and provisioning states, shared by the request pages. */
export const routeText: Record<string, string> = {
  auto: "Approved automatically",
  manager: "Manager approval",
  owner_security: "Owner, then security",
  blocked: "Not allowed",
};
export const provisioningText: Record<string, string> = {
  not_started: "Waiting for provisioning",
  in_progress: "Provisioning…",
  provisioned: "Provisioned",
  failed: "Provisioning failed",
  manual: "Granted (no automatic provisioning)",
};
export const pct = (x: number) => `${Math.round(x * 100)}%`;
