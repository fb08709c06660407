/**
 * The search params of every page that reads them, through the one tolerant reader
 * (lib/http/search-params.ts). Pages call these and pass clean values to services, so a bad
 * link shows a notice instead of an error page. Unit-tested in page-params.test.ts.
 */
import { OPERATION_STATUSES } from "@/db/queries/operations";
import { BOARD_MAX_PAGE, BOARD_PAGE_SIZE, BOARD_Q_MAX, BOARD_RECS, BOARD_STATUSES } from "@/lib/domain/review-board-query";
import { FINDING_KINDS } from "@/lib/services/mining/list-findings";
import { enumParam, intParam, pageParam, readSearchParams, textParam, uuidParam, type RawSearchParams } from "./search-params";

export const PERSON_STATUSES = ["pre_hire", "active", "on_leave", "terminated"] as const;
export const EMPLOYMENT_TYPES = ["employee", "contractor", "intern"] as const;
export const ACCOUNT_STATUSES = ["pending", "active", "disabled", "deleted"] as const;
export const LIFECYCLE_KINDS = ["joiner", "pre_hire", "mover", "leaver", "leave_start", "leave_end", "rehire"] as const;

export const applicationsParams = (sp: RawSearchParams) =>
  readSearchParams(sp, { q: textParam(100, "search"), page: pageParam(), pageSize: intParam({ min: 5, max: 100, def: 25, label: "page size" }) });

export const rolesParams = (sp: RawSearchParams) =>
  readSearchParams(sp, { q: textParam(100, "search"), page: pageParam(), pageSize: intParam({ min: 5, max: 100, def: 50, label: "page size" }) });

export const applicationParams = (sp: RawSearchParams) =>
  readSearchParams(sp, { page: pageParam(), status: enumParam(ACCOUNT_STATUSES, "account status") });

export const findingsParams = (sp: RawSearchParams) =>
  readSearchParams(sp, { kind: enumParam(FINDING_KINDS, "finding kind", "outliers"), page: pageParam(), days: intParam({ min: 1, max: 3650, def: 90, label: "number of days" }) });

export const lifecycleParams = (sp: RawSearchParams) =>
  readSearchParams(sp, { kind: enumParam(LIFECYCLE_KINDS, "event kind"), page: pageParam(), view: enumParam(["events", "open-leavers"], "view", "events") });

export const operationsParams = (sp: RawSearchParams) => readSearchParams(sp, { status: enumParam(OPERATION_STATUSES, "status") });

export const peopleParams = (sp: RawSearchParams) =>
  readSearchParams(sp, {
    q: textParam(100, "search"),
    department: textParam(100, "department"),
    location: textParam(100, "location"),
    status: enumParam(PERSON_STATUSES, "status"),
    employmentType: enumParam(EMPLOYMENT_TYPES, "employment type"),
    page: pageParam(),
    pageSize: intParam({ min: 5, max: 100, def: 25, label: "page size" }),
  });

export const catalogParams = (sp: RawSearchParams) =>
  readSearchParams(sp, { q: textParam(100, "search"), beneficiaryId: uuidParam("person to request for"), page: pageParam(), pageSize: intParam({ min: 5, max: 100, def: 20, label: "page size" }) });

export const dashboardParams = (sp: RawSearchParams) => readSearchParams(sp, { fresh: enumParam(["1"], "fresh") });

/** The review board (/reviews/[id] and GET /api/v1/reviews/:id/board): which items, which page (lib/domain/review-board-query.ts). */
export const reviewBoardParams = (sp: RawSearchParams) =>
  readSearchParams(sp, {
    status: enumParam(BOARD_STATUSES, "item status"),
    rec: enumParam(BOARD_RECS, "recommendation", "all"),
    app: uuidParam("application"),
    person: uuidParam("person"),
    q: textParam(BOARD_Q_MAX, "search"),
    page: pageParam(BOARD_MAX_PAGE),
    size: intParam({ min: BOARD_PAGE_SIZE.min, max: BOARD_PAGE_SIZE.max, def: BOARD_PAGE_SIZE.def, label: "page size" }),
  });

/** Sign-in: where to go afterwards (a local path only: never `//host` or `/\host`, which browsers treat as another site). */
export function signinParams(sp: RawSearchParams) {
  const r = readSearchParams(sp, { callbackUrl: textParam(2000, "return address"), error: textParam(100, "error") });
  const c = r.values.callbackUrl;
  const local = c && /^\/(?![/\\])/.test(c) ? c : "/dashboard";
  return { values: { callbackUrl: local, error: r.values.error }, notices: [] as string[] };
}

/** Every page's parser, for the property test. */
export const PAGE_PARAM_PARSERS = { applicationsParams, rolesParams, applicationParams, findingsParams, lifecycleParams, operationsParams, peopleParams, catalogParams, dashboardParams, signinParams, reviewBoardParams } as const;
