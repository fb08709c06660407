/**
 * Joiner / mover / leaver detection.
 *
 * Input: the person as Gatehouse knew them (or null for someone new) and the person as HR
 * now states them, plus `today` (YYYY-MM-DD). Output: the lifecycle events this change
 * means, each with the attribute changes that explain it. Pure; O(attributes).
 *
 * Rules (in this order):
 * - new person: start date after today → pre_hire; else joiner (terminated on arrival → nothing).
 * - status → terminated, or an end date that has been reached → leaver (contractors whose end
 *   date passes with no HR message are caught by `dueLeavers`).
 * - terminated → active/pre_hire → rehire (the old identity is re-linked; access starts from
 *   birthright only: the caller must not restore old grants).
 * - active → on_leave → leave_start; on_leave → active → leave_end.
 * - department, title, level, location, manager or employment type changed → mover.
 * - pre_hire whose start date is reached → joiner (accounts are enabled).
 */
export type HrPerson = {
  employeeId: string;
  department: string;
  title: string;
  level: number;
  location: string;
  managerEmployeeId?: string | null;
  employmentType: "employee" | "contractor" | "intern";
  status: "pre_hire" | "active" | "on_leave" | "terminated";
  startDate?: string | null;
  endDate?: string | null;
};

export type LifecycleKind = "joiner" | "pre_hire" | "mover" | "leaver" | "leave_start" | "leave_end" | "rehire";
export type Change = { from: unknown; to: unknown };
export type LifecycleEvent = { kind: LifecycleKind; changes: Record<string, Change>; reason: string };

export const MOVER_FIELDS = ["department", "title", "level", "location", "managerEmployeeId", "employmentType"] as const;

/** The status HR's record implies today (an end date in the past means terminated). */
export function effectiveStatus(p: HrPerson, today: string): HrPerson["status"] {
  if (p.status !== "terminated" && p.endDate && p.endDate < today) return "terminated";
  if (p.status === "active" && p.startDate && p.startDate > today) return "pre_hire";
  if (p.status === "pre_hire" && p.startDate && p.startDate <= today) return "active";
  return p.status;
}

function diff(before: HrPerson, after: HrPerson, fields: readonly string[]): Record<string, Change> {
  const out: Record<string, Change> = {};
  for (const f of fields) {
    const a = (before as Record<string, unknown>)[f] ?? null;
    const b = (after as Record<string, unknown>)[f] ?? null;
    if (a !== b) out[f] = { from: a, to: b };
  }
  return out;
}

export function detectEvents(before: HrPerson | null, afterRaw: HrPerson, today: string): LifecycleEvent[] {
  const after = { ...afterRaw, status: effectiveStatus(afterRaw, today) };
  if (!before) {
    if (after.status === "terminated") return [];
    if (after.status === "pre_hire") return [{ kind: "pre_hire", changes: { status: { from: null, to: "pre_hire" } }, reason: `starts on ${after.startDate}` }];
    return [{ kind: "joiner", changes: { status: { from: null, to: after.status } }, reason: "new in HR" }];
  }
  const prev = before.status;
  const events: LifecycleEvent[] = [];
  const statusChange = { status: { from: prev, to: after.status } };
  if (after.status === "terminated" && prev !== "terminated") {
    const why = afterRaw.status === "terminated" ? "terminated in HR" : `end date ${after.endDate} has passed`;
    return [{ kind: "leaver", changes: { ...statusChange, ...diff(before, after, ["endDate"]) }, reason: why }];
  }
  if (prev === "terminated" && after.status !== "terminated") {
    return [{ kind: "rehire", changes: { ...statusChange, ...diff(before, after, MOVER_FIELDS) }, reason: "rehired: access starts again from birthright only" }];
  }
  if (prev === "pre_hire" && after.status === "active") events.push({ kind: "joiner", changes: statusChange, reason: `start date ${after.startDate} reached` });
  if (prev !== "on_leave" && after.status === "on_leave") events.push({ kind: "leave_start", changes: statusChange, reason: "leave of absence: accounts suspended, access kept in escrow" });
  if (prev === "on_leave" && after.status === "active") events.push({ kind: "leave_end", changes: statusChange, reason: "back from leave: access restored" });
  const moved = diff(before, after, MOVER_FIELDS);
  if (Object.keys(moved).length > 0) {
    const what = Object.keys(moved).map((k) => (k === "managerEmployeeId" ? "manager" : k)).join(", ");
    events.push({ kind: "mover", changes: moved, reason: `changed ${what}` });
  }
  return events;
}

/** People whose end date has passed while HR still says they are not terminated. */
export function dueLeavers<T extends HrPerson>(people: T[], today: string): T[] {
  return people.filter((p) => p.status !== "terminated" && Boolean(p.endDate) && p.endDate! < today);
}

/**
 * Why HR data that would bring a leaver back is NOT a rehire (null when it is one).
 *
 * A stale snapshot lists a leaver as they were before they left (active, the old start date); applying it would
 * re-enable their accounts. So a rehire needs HR to say so explicitly: a status given as active or pre-hire (an empty
 * status defaults to active and does not count) and a start date after the person's last end date (else after the
 * day their termination took effect, `leftOn`). Pure; O(1).
 */
export function rehireRefusal(
  before: Pick<HrPerson, "status" | "endDate">,
  after: Pick<HrPerson, "status" | "startDate"> & { statusGiven?: boolean },
  leftOn: string | null,
): string | null {
  if (before.status !== "terminated") return null;
  const lastEnd = before.endDate ?? leftOn;
  const problems: string[] = [];
  if (after.statusGiven === false || (after.status !== "active" && after.status !== "pre_hire")) problems.push(after.statusGiven === false ? "the status is empty" : `the status is ${after.status}`);
  if (!after.startDate) problems.push("there is no start date");
  else if (lastEnd && after.startDate <= lastEnd) problems.push(`the start date ${after.startDate} is not after the last end date ${lastEnd}`);
  if (!problems.length) return null;
  return `left${lastEnd ? ` (last end date ${lastEnd})` : ""}; a rehire needs an explicit active status and a start date after the last end date, but ${problems.join(" and ")}`;
}
