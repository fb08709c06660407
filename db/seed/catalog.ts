/**
 * The fixed catalogue of the demo organisation: departments and their title ladders,
 * offices, ~40 applications modelled on real SaaS products with their entitlements,
 * role templates with the birthright rules that assign them, and SoD policies.
 *
 * Pure data. generate.ts turns it, plus a seed and a head count, into rows.
 * Entitlements are referred to as "<appKey>:<externalId>".
 */
import type { RuleCondition } from "@/db/schema/roles";

export type Level = "read" | "edit" | "admin";
export type Sens = "low" | "medium" | "high" | "critical";

export type TitleDef = { title: string; level: number; weight: number };

export type DepartmentDef = {
  name: string;
  /** Cost centre prefix; people get `<code>-<team index>`. */
  costCode: string;
  /** Share of the head count (normalised over all departments). */
  weight: number;
  head: string;
  director: string;
  manager: string;
  intern: string;
  ics: TitleDef[];
  /** Functional teams, or "region" for go-to-market teams named after the region. */
  teams: string[] | "region";
  /** Titles used instead of `ics` for a given team (e.g. SREs in Infrastructure). */
  teamTitles?: Record<string, TitleDef[]>;
  /** Which department head this head reports to (default: the CEO). */
  reportsTo?: string;
};

export const EXECUTIVE = "Executive";

export const DEPARTMENTS: DepartmentDef[] = [
  {
    name: "Engineering", costCode: "CC-1100", weight: 0.26,
    head: "Chief Technology Officer", director: "Director of Engineering", manager: "Engineering Manager",
    intern: "Software Engineering Intern",
    ics: [
      { title: "Associate Software Engineer", level: 1, weight: 4 },
      { title: "Software Engineer", level: 2, weight: 30 },
      { title: "Senior Software Engineer", level: 3, weight: 30 },
      { title: "QA Engineer", level: 2, weight: 4 },
      { title: "Staff Engineer", level: 4, weight: 8 },
      { title: "Principal Engineer", level: 5, weight: 1.5 },
    ],
    teams: ["Platform", "Payments", "Growth", "Mobile", "Infrastructure"],
    teamTitles: {
      Infrastructure: [
        { title: "Site Reliability Engineer", level: 2, weight: 4 },
        { title: "Senior Site Reliability Engineer", level: 3, weight: 4 },
        { title: "Staff Engineer", level: 4, weight: 1 },
      ],
    },
  },
  {
    name: "Product", costCode: "CC-1200", weight: 0.05,
    head: "VP of Product", director: "Director of Product", manager: "Group Product Manager",
    intern: "Product Management Intern",
    ics: [
      { title: "Associate Product Manager", level: 2, weight: 3 },
      { title: "Product Manager", level: 3, weight: 6 },
      { title: "Senior Product Manager", level: 4, weight: 4 },
      { title: "Product Operations Analyst", level: 2, weight: 2 },
    ],
    teams: ["Core", "Growth", "Platform"],
  },
  {
    name: "Design", costCode: "CC-1300", weight: 0.035, reportsTo: "Product",
    head: "Head of Design", director: "Design Director", manager: "Design Manager",
    intern: "Design Intern",
    ics: [
      { title: "Product Designer", level: 2, weight: 4 },
      { title: "Senior Product Designer", level: 3, weight: 4 },
      { title: "UX Researcher", level: 3, weight: 2 },
      { title: "Content Designer", level: 2, weight: 1 },
    ],
    teams: ["Product Design", "Research", "Brand"],
  },
  {
    name: "Sales", costCode: "CC-2100", weight: 0.15,
    head: "Chief Revenue Officer", director: "Regional Sales Director", manager: "Sales Manager",
    intern: "Sales Intern",
    ics: [
      { title: "Sales Development Representative", level: 1, weight: 6 },
      { title: "Account Executive", level: 2, weight: 8 },
      { title: "Senior Account Executive", level: 3, weight: 5 },
      { title: "Solutions Engineer", level: 3, weight: 5 },
      { title: "Sales Operations Analyst", level: 2, weight: 2 },
    ],
    teams: "region",
  },
  {
    name: "Marketing", costCode: "CC-2200", weight: 0.06, reportsTo: "Sales",
    head: "VP of Marketing", director: "Director of Marketing", manager: "Marketing Manager",
    intern: "Marketing Intern",
    ics: [
      { title: "Marketing Specialist", level: 2, weight: 4 },
      { title: "Content Marketer", level: 3, weight: 2 },
      { title: "Product Marketing Manager", level: 3, weight: 3 },
      { title: "Demand Generation Specialist", level: 2, weight: 3 },
      { title: "Marketing Operations Analyst", level: 2, weight: 2 },
    ],
    teams: "region",
  },
  {
    name: "Customer Success", costCode: "CC-2300", weight: 0.1, reportsTo: "Sales",
    head: "VP of Customer Success", director: "Director of Customer Success", manager: "Support Manager",
    intern: "Customer Success Intern",
    ics: [
      { title: "Support Engineer", level: 2, weight: 8 },
      { title: "Senior Support Engineer", level: 3, weight: 4 },
      { title: "Customer Success Manager", level: 3, weight: 6 },
      { title: "Implementation Specialist", level: 2, weight: 3 },
    ],
    teams: "region",
  },
  {
    name: "Finance", costCode: "CC-3100", weight: 0.045,
    head: "Chief Financial Officer", director: "Director of Finance", manager: "Accounting Manager",
    intern: "Finance Intern",
    ics: [
      { title: "Accountant", level: 2, weight: 3 },
      { title: "Senior Accountant", level: 3, weight: 2 },
      { title: "Accounts Payable Specialist", level: 2, weight: 2 },
      { title: "Accounts Receivable Specialist", level: 2, weight: 2 },
      { title: "Financial Analyst", level: 3, weight: 3 },
      { title: "Payments Analyst", level: 2, weight: 1.5 },
      { title: "Treasury Analyst", level: 3, weight: 1.5 },
      { title: "Internal Auditor", level: 3, weight: 1 },
    ],
    teams: ["Accounting", "FP&A", "Treasury"],
  },
  {
    name: "People", costCode: "CC-3200", weight: 0.035,
    head: "Chief People Officer", director: "Director of People", manager: "People Operations Manager",
    intern: "People Operations Intern",
    ics: [
      { title: "People Partner", level: 3, weight: 3 },
      { title: "Recruiter", level: 2, weight: 4 },
      { title: "Recruiting Coordinator", level: 1, weight: 2 },
      { title: "Payroll Specialist", level: 2, weight: 1.5 },
      { title: "HRIS Administrator", level: 3, weight: 1.2 },
      { title: "People Operations Specialist", level: 2, weight: 2 },
    ],
    teams: ["Talent", "People Ops", "Total Rewards"],
  },
  {
    name: "IT", costCode: "CC-3300", weight: 0.035, reportsTo: "Operations",
    head: "VP of IT", director: "Director of IT", manager: "IT Manager",
    intern: "IT Intern",
    ics: [
      { title: "IT Support Specialist", level: 2, weight: 5 },
      { title: "Systems Administrator", level: 3, weight: 3 },
      { title: "IT Engineer", level: 3, weight: 2 },
      { title: "Senior IT Engineer", level: 4, weight: 1.5 },
    ],
    teams: ["Service Desk", "Corporate Engineering"],
  },
  {
    name: "Security", costCode: "CC-1400", weight: 0.025, reportsTo: "Engineering",
    head: "Chief Information Security Officer", director: "Director of Security", manager: "Security Engineering Manager",
    intern: "Security Intern",
    ics: [
      { title: "Security Analyst", level: 2, weight: 3 },
      { title: "Security Engineer", level: 3, weight: 4 },
      { title: "Senior Security Engineer", level: 4, weight: 2 },
      { title: "GRC Analyst", level: 2, weight: 2 },
    ],
    teams: ["SecOps", "AppSec", "GRC"],
  },
  {
    name: "Legal", costCode: "CC-3400", weight: 0.015,
    head: "General Counsel", director: "Deputy General Counsel", manager: "Legal Manager",
    intern: "Legal Intern",
    ics: [
      { title: "Paralegal", level: 2, weight: 2 },
      { title: "Contracts Manager", level: 3, weight: 2 },
      { title: "Corporate Counsel", level: 4, weight: 2 },
      { title: "Privacy Counsel", level: 4, weight: 1 },
    ],
    teams: ["Commercial", "Corporate"],
  },
  {
    name: "Operations", costCode: "CC-3500", weight: 0.04,
    head: "Chief Operating Officer", director: "Director of Operations", manager: "Operations Manager",
    intern: "Operations Intern",
    ics: [
      { title: "Operations Analyst", level: 2, weight: 4 },
      { title: "Business Operations Lead", level: 3, weight: 2 },
      { title: "Procurement Specialist", level: 2, weight: 2 },
      { title: "Workplace Coordinator", level: 1, weight: 2 },
    ],
    teams: ["BizOps", "Procurement", "Workplace"],
  },
  {
    name: "Data", costCode: "CC-1500", weight: 0.04, reportsTo: "Engineering",
    head: "VP of Data", director: "Director of Data", manager: "Data Science Manager",
    intern: "Data Science Intern",
    ics: [
      { title: "Data Analyst", level: 2, weight: 4 },
      { title: "Data Scientist", level: 3, weight: 3 },
      { title: "Senior Data Scientist", level: 4, weight: 1.5 },
      { title: "Analytics Engineer", level: 3, weight: 2 },
      { title: "Data Engineer", level: 3, weight: 2 },
    ],
    teams: ["Analytics", "Data Platform", "Data Science"],
  },
];

export type LocationDef = { name: string; team: string; region: string; country: string; weight: number };

/** Offices. `team` is the regional team name used by go-to-market departments. */
export const LOCATIONS: LocationDef[] = [
  { name: "New York", team: "East Coast", region: "NA", country: "US", weight: 20 },
  { name: "Boston", team: "East Coast", region: "NA", country: "US", weight: 5 },
  { name: "San Francisco", team: "West Coast", region: "NA", country: "US", weight: 18 },
  { name: "Seattle", team: "West Coast", region: "NA", country: "US", weight: 6 },
  { name: "Austin", team: "Central", region: "NA", country: "US", weight: 10 },
  { name: "Remote-US", team: "Central", region: "NA", country: "US", weight: 7 },
  { name: "London", team: "EMEA", region: "EMEA", country: "GB", weight: 12 },
  { name: "Berlin", team: "EMEA", region: "EMEA", country: "DE", weight: 6 },
  { name: "Dublin", team: "EMEA", region: "EMEA", country: "IE", weight: 4 },
  { name: "Bangalore", team: "APAC", region: "APAC", country: "IN", weight: 9 },
  { name: "Singapore", team: "APAC", region: "APAC", country: "SG", weight: 3 },
];

export const REGIONAL_TEAMS = ["East Coast", "West Coast", "Central", "EMEA", "APAC"] as const;

export const CONTRACTOR_VENDORS = ["Acme Staffing", "Northwind Consulting", "Globex Talent", "Initech Services", "Contoso Partners"];

export type EntitlementDef = {
  id: string;
  name: string;
  kind: "group" | "role" | "permission";
  level: Level;
  sensitivity: Sens;
  privileged?: boolean;
  requestable?: boolean;
  maxDurationDays?: number;
  description?: string;
};

export type ApplicationDef = {
  key: string;
  name: string;
  description: string;
  category: string;
  criticality: "low" | "medium" | "high" | "critical";
  connectorKind: "demo" | "manual";
  /** Department whose senior people own the application. */
  ownerDept: string;
  deprovisionAction?: "disable" | "delete";
  supportsSessionRevoke?: boolean;
  entitlements: EntitlementDef[];
};

type Opt = Partial<Pick<EntitlementDef, "privileged" | "requestable" | "maxDurationDays" | "description" | "kind">>;
function e(id: string, name: string, level: Level, sensitivity: Sens, opt: Opt = {}): EntitlementDef {
  return {
    id, name, level, sensitivity,
    kind: opt.kind ?? (level === "admin" ? "role" : "group"),
    privileged: opt.privileged ?? false,
    requestable: opt.requestable ?? true,
    maxDurationDays: opt.maxDurationDays,
    description: opt.description,
  };
}
const P = { privileged: true } as const;
const PN = { privileged: true, requestable: false } as const;

export const APPLICATIONS: ApplicationDef[] = [
  { key: "google-workspace", name: "Google Workspace", description: "Mail, calendar, drive and docs", category: "productivity", criticality: "high", connectorKind: "demo", ownerDept: "IT", supportsSessionRevoke: true, entitlements: [
    e("user", "Workspace user", "read", "low"),
    e("drive-finance", "Shared drive: Finance", "edit", "high"),
    e("groups-admin", "Groups Admin", "admin", "medium"),
    e("user-admin", "User Management Admin", "admin", "high", P),
    e("super-admin", "Super Admin", "admin", "critical", { ...PN, maxDurationDays: 30 }),
  ] },
  { key: "slack", name: "Slack", description: "Team chat", category: "collaboration", criticality: "medium", connectorKind: "demo", ownerDept: "IT", supportsSessionRevoke: true, entitlements: [
    e("member", "Full member", "read", "low"),
    e("guest", "Multi-channel guest", "read", "low"),
    e("workspace-admin", "Workspace Admin", "admin", "high", P),
    e("owner", "Workspace Owner", "admin", "critical", PN),
  ] },
  { key: "zoom", name: "Zoom", description: "Video meetings", category: "collaboration", criticality: "low", connectorKind: "demo", ownerDept: "IT", entitlements: [
    e("basic", "Basic user", "read", "low"),
    e("licensed", "Licensed user", "edit", "low"),
    e("admin", "Account Admin", "admin", "high", P),
  ] },
  { key: "okta", name: "Okta", description: "Single sign-on and MFA", category: "identity", criticality: "critical", connectorKind: "demo", ownerDept: "IT", supportsSessionRevoke: true, entitlements: [
    e("user", "Okta user", "read", "low"),
    e("readonly-admin", "Read-only Administrator", "read", "medium"),
    e("helpdesk-admin", "Help Desk Administrator", "admin", "high", P),
    e("app-admin", "Application Administrator", "admin", "high", P),
    e("super-admin", "Super Administrator", "admin", "critical", { ...PN, maxDurationDays: 7 }),
  ] },
  { key: "1password", name: "1Password", description: "Password manager", category: "security", criticality: "critical", connectorKind: "demo", ownerDept: "Security", entitlements: [
    e("member", "Member", "read", "low"),
    e("vault-engineering", "Vault: Engineering shared", "edit", "medium"),
    e("vault-finance", "Vault: Finance", "edit", "high"),
    e("vault-security", "Vault: Security", "edit", "high"),
    e("owner", "Owner", "admin", "critical", PN),
  ] },
  { key: "github", name: "GitHub", description: "Source code and CI", category: "engineering", criticality: "critical", connectorKind: "demo", ownerDept: "Engineering", entitlements: [
    e("org-member", "Organization member", "read", "low"),
    e("repo-write", "Repository write (product repos)", "edit", "medium", { kind: "permission" }),
    e("repo-maintain", "Repository maintain (product repos)", "edit", "medium", { kind: "permission" }),
    e("prod-deploy-approver", "Production deploy approver", "edit", "high", { kind: "permission" }),
    e("security-manager", "Security manager", "admin", "high", P),
    e("org-owner", "Organization owner", "admin", "critical", PN),
  ] },
  { key: "jira", name: "Jira", description: "Issue tracking", category: "engineering", criticality: "medium", connectorKind: "demo", ownerDept: "Engineering", entitlements: [
    e("user", "Jira user", "edit", "low"),
    e("project-admin", "Project administrator", "admin", "medium"),
    e("jira-admin", "Jira administrator", "admin", "high", P),
  ] },
  { key: "confluence", name: "Confluence", description: "Wiki", category: "collaboration", criticality: "medium", connectorKind: "demo", ownerDept: "Engineering", entitlements: [
    e("viewer", "Viewer", "read", "low"),
    e("editor", "Editor", "edit", "low"),
    e("space-admin", "Space administrator", "admin", "medium"),
    e("confluence-admin", "Confluence administrator", "admin", "high", P),
  ] },
  { key: "aws", name: "AWS", description: "Cloud infrastructure (production and staging accounts)", category: "cloud", criticality: "critical", connectorKind: "demo", ownerDept: "Engineering", entitlements: [
    e("readonly", "ReadOnlyAccess", "read", "medium", { kind: "role" }),
    e("security-audit", "SecurityAudit", "read", "medium", { kind: "role" }),
    e("developer", "Developer (sandbox + staging)", "edit", "medium", { kind: "role" }),
    e("billing", "Billing", "read", "high", { kind: "role" }),
    e("power-user", "PowerUserAccess (production)", "edit", "high", { kind: "role", privileged: true, maxDurationDays: 90 }),
    e("admin", "AdministratorAccess", "admin", "critical", { ...PN, kind: "role", maxDurationDays: 7 }),
  ] },
  { key: "datadog", name: "Datadog", description: "Monitoring and logs", category: "engineering", criticality: "medium", connectorKind: "demo", ownerDept: "Engineering", entitlements: [
    e("read-only", "Datadog Read Only", "read", "low", { kind: "role" }),
    e("standard", "Datadog Standard", "edit", "low", { kind: "role" }),
    e("admin", "Datadog Admin", "admin", "high", { ...P, kind: "role" }),
  ] },
  { key: "pagerduty", name: "PagerDuty", description: "On-call and incidents", category: "engineering", criticality: "high", connectorKind: "demo", ownerDept: "Engineering", entitlements: [
    e("responder", "Responder", "edit", "low", { kind: "role" }),
    e("manager", "Manager", "admin", "medium", { kind: "role" }),
    e("account-admin", "Account Owner", "admin", "high", PN),
  ] },
  { key: "sentry", name: "Sentry", description: "Error tracking", category: "engineering", criticality: "low", connectorKind: "demo", ownerDept: "Engineering", entitlements: [
    e("member", "Member", "edit", "low", { kind: "role" }),
    e("admin", "Owner", "admin", "medium", { kind: "role" }),
  ] },
  { key: "linear", name: "Linear", description: "Product planning", category: "engineering", criticality: "low", connectorKind: "demo", ownerDept: "Product", entitlements: [
    e("member", "Member", "edit", "low", { kind: "role" }),
    e("admin", "Admin", "admin", "medium", { kind: "role" }),
  ] },
  { key: "vercel", name: "Vercel", description: "Frontend hosting", category: "engineering", criticality: "high", connectorKind: "demo", ownerDept: "Engineering", entitlements: [
    e("developer", "Developer", "edit", "medium", { kind: "role" }),
    e("owner", "Owner", "admin", "critical", { ...PN, kind: "role" }),
  ] },
  { key: "launchdarkly", name: "LaunchDarkly", description: "Feature flags", category: "engineering", criticality: "high", connectorKind: "demo", ownerDept: "Engineering", entitlements: [
    e("reader", "Reader", "read", "low", { kind: "role" }),
    e("writer", "Writer", "edit", "medium", { kind: "role" }),
    e("admin", "Admin (production flags)", "admin", "high", { ...P, kind: "role" }),
  ] },
  { key: "postgres-prod", name: "Production database (PostgreSQL)", description: "Customer data store", category: "database", criticality: "critical", connectorKind: "demo", ownerDept: "Engineering", deprovisionAction: "delete", entitlements: [
    e("app_readonly", "app_readonly", "read", "high", { kind: "role" }),
    e("app_readwrite", "app_readwrite", "edit", "critical", { kind: "role", privileged: true, maxDurationDays: 30 }),
    e("db_owner", "db_owner (superuser)", "admin", "critical", { ...PN, kind: "role", maxDurationDays: 7 }),
  ] },
  { key: "snowflake", name: "Snowflake", description: "Data warehouse", category: "data", criticality: "high", connectorKind: "demo", ownerDept: "Data", entitlements: [
    e("ANALYST", "ANALYST", "read", "medium", { kind: "role" }),
    e("TRANSFORMER", "TRANSFORMER", "edit", "medium", { kind: "role" }),
    e("PII_READER", "PII_READER", "read", "critical", { kind: "role", maxDurationDays: 180 }),
    e("SYSADMIN", "SYSADMIN", "admin", "high", { ...P, kind: "role" }),
    e("ACCOUNTADMIN", "ACCOUNTADMIN", "admin", "critical", { ...PN, kind: "role" }),
  ] },
  { key: "tableau", name: "Tableau", description: "Dashboards", category: "analytics", criticality: "medium", connectorKind: "demo", ownerDept: "Data", entitlements: [
    e("viewer", "Viewer", "read", "low", { kind: "role" }),
    e("explorer", "Explorer", "edit", "low", { kind: "role" }),
    e("creator", "Creator", "edit", "medium", { kind: "role" }),
    e("site-admin", "Site Administrator", "admin", "high", { ...P, kind: "role" }),
  ] },
  { key: "salesforce", name: "Salesforce", description: "CRM", category: "crm", criticality: "high", connectorKind: "demo", ownerDept: "Sales", entitlements: [
    e("read-only", "Read Only", "read", "medium", { kind: "role" }),
    e("standard-user", "Standard User", "edit", "medium", { kind: "role" }),
    e("sales-manager", "Sales Manager", "edit", "medium", { kind: "role" }),
    e("sales-ops", "Sales Operations", "admin", "high", { kind: "role" }),
    e("system-admin", "System Administrator", "admin", "critical", { ...PN, kind: "role" }),
  ] },
  { key: "hubspot", name: "HubSpot", description: "Marketing automation", category: "marketing", criticality: "medium", connectorKind: "demo", ownerDept: "Marketing", entitlements: [
    e("viewer", "Viewer", "read", "low"),
    e("marketing-user", "Marketing Hub user", "edit", "medium"),
    e("sales-seat", "Sales Hub seat", "edit", "medium"),
    e("super-admin", "Super Admin", "admin", "high", P),
  ] },
  { key: "gong", name: "Gong", description: "Call recording and revenue intelligence", category: "sales", criticality: "medium", connectorKind: "demo", ownerDept: "Sales", entitlements: [
    e("recorded-user", "Recorded user", "edit", "medium"),
    e("viewer", "Viewer", "read", "low"),
    e("admin", "Technical administrator", "admin", "high", P),
  ] },
  { key: "zendesk", name: "Zendesk", description: "Customer support tickets", category: "support", criticality: "high", connectorKind: "demo", ownerDept: "Customer Success", entitlements: [
    e("light-agent", "Light agent", "read", "low", { kind: "role" }),
    e("agent", "Agent", "edit", "medium", { kind: "role" }),
    e("admin", "Administrator", "admin", "high", { ...P, kind: "role" }),
  ] },
  { key: "intercom", name: "Intercom", description: "Customer messaging", category: "support", criticality: "medium", connectorKind: "demo", ownerDept: "Customer Success", entitlements: [
    e("teammate", "Teammate", "edit", "medium"),
    e("admin", "Admin", "admin", "high"),
  ] },
  { key: "netsuite", name: "NetSuite", description: "ERP and general ledger", category: "finance", criticality: "critical", connectorKind: "demo", ownerDept: "Finance", entitlements: [
    e("employee-center", "Employee Center", "read", "low", { kind: "role" }),
    e("ap-clerk", "AP Clerk", "edit", "high", { kind: "role", description: "Enter and edit vendor bills" }),
    e("ap-approver", "AP Approver", "edit", "high", { kind: "role", description: "Approve vendor bills and payments" }),
    e("ar-clerk", "AR Clerk", "edit", "high", { kind: "role" }),
    e("controller", "Controller", "admin", "critical", { kind: "role", privileged: true }),
    e("administrator", "Administrator", "admin", "critical", { ...PN, kind: "role" }),
  ] },
  { key: "stripe", name: "Stripe", description: "Payments", category: "finance", criticality: "critical", connectorKind: "demo", ownerDept: "Finance", entitlements: [
    e("view-only", "View only", "read", "medium", { kind: "role" }),
    e("support", "Support specialist", "edit", "medium", { kind: "role" }),
    e("refund-analyst", "Refund analyst", "edit", "high", { kind: "role", description: "Issue refunds" }),
    e("payouts-manager", "Payouts manager", "edit", "critical", { kind: "role", description: "Change payout bank accounts and schedules" }),
    e("administrator", "Administrator", "admin", "critical", { ...PN, kind: "role" }),
  ] },
  { key: "quickbooks", name: "QuickBooks", description: "Accounting for subsidiaries", category: "finance", criticality: "medium", connectorKind: "manual", ownerDept: "Finance", entitlements: [
    e("reports-only", "Reports only", "read", "medium", { kind: "role" }),
    e("standard", "Standard user", "edit", "high", { kind: "role" }),
    e("company-admin", "Company admin", "admin", "critical", { ...P, kind: "role" }),
  ] },
  { key: "expensify", name: "Expensify", description: "Expenses", category: "finance", criticality: "low", connectorKind: "demo", ownerDept: "Finance", entitlements: [
    e("submitter", "Submitter", "edit", "low", { kind: "role" }),
    e("approver", "Approver", "edit", "medium", { kind: "role" }),
    e("policy-admin", "Policy admin", "admin", "medium", { kind: "role" }),
    e("domain-admin", "Domain admin", "admin", "high", { ...P, kind: "role" }),
  ] },
  { key: "carta", name: "Carta", description: "Cap table and equity", category: "legal", criticality: "high", connectorKind: "manual", ownerDept: "Legal", entitlements: [
    e("stakeholder", "Stakeholder view", "read", "medium", { kind: "role" }),
    e("legal-admin", "Legal admin", "admin", "critical", { ...P, kind: "role" }),
  ] },
  { key: "workday", name: "Workday", description: "HRIS and payroll", category: "hr", criticality: "critical", connectorKind: "demo", ownerDept: "People", entitlements: [
    e("ess", "Employee self-service", "read", "low", { kind: "role" }),
    e("mss", "Manager self-service", "edit", "medium", { kind: "role" }),
    e("hr-partner", "HR Partner", "edit", "high", { kind: "role" }),
    e("hr-admin", "HR Administrator", "admin", "critical", { ...P, kind: "role" }),
    e("payroll-admin", "Payroll Administrator", "admin", "critical", { ...P, kind: "role" }),
  ] },
  { key: "bamboohr", name: "BambooHR (archive)", description: "Legacy HRIS kept read-only for records", category: "hr", criticality: "low", connectorKind: "manual", ownerDept: "People", entitlements: [
    e("employee", "Employee", "read", "low", { kind: "role" }),
    e("hr-admin", "HR admin", "admin", "high", { ...P, kind: "role" }),
  ] },
  { key: "greenhouse", name: "Greenhouse", description: "Recruiting", category: "recruiting", criticality: "medium", connectorKind: "demo", ownerDept: "People", entitlements: [
    e("interviewer", "Interviewer", "edit", "low", { kind: "role" }),
    e("hiring-manager", "Hiring manager", "edit", "medium", { kind: "role" }),
    e("recruiter", "Recruiter", "edit", "medium", { kind: "role" }),
    e("site-admin", "Site admin", "admin", "high", { ...P, kind: "role" }),
  ] },
  { key: "lattice", name: "Lattice", description: "Performance and goals", category: "hr", criticality: "low", connectorKind: "demo", ownerDept: "People", entitlements: [
    e("employee", "Employee", "edit", "low", { kind: "role" }),
    e("manager", "Manager", "edit", "medium", { kind: "role" }),
    e("admin", "Admin", "admin", "high", { kind: "role" }),
  ] },
  { key: "docusign", name: "DocuSign", description: "E-signature", category: "legal", criticality: "medium", connectorKind: "manual", ownerDept: "Legal", entitlements: [
    e("sender", "Sender", "edit", "medium", { kind: "role" }),
    e("admin", "Account admin", "admin", "high", { ...P, kind: "role" }),
  ] },
  { key: "figma", name: "Figma", description: "Design", category: "design", criticality: "low", connectorKind: "demo", ownerDept: "Design", entitlements: [
    e("viewer", "Viewer", "read", "low"),
    e("editor", "Editor", "edit", "low"),
    e("admin", "Organization admin", "admin", "medium", { kind: "role" }),
  ] },
  { key: "miro", name: "Miro", description: "Whiteboards", category: "design", criticality: "low", connectorKind: "demo", ownerDept: "Design", entitlements: [
    e("member", "Member", "edit", "low"),
    e("admin", "Company admin", "admin", "medium", { kind: "role" }),
  ] },
  { key: "notion", name: "Notion", description: "Docs and wikis", category: "productivity", criticality: "low", connectorKind: "demo", ownerDept: "Operations", entitlements: [
    e("member", "Member", "edit", "low"),
    e("workspace-owner", "Workspace owner", "admin", "medium", { kind: "role" }),
  ] },
  { key: "asana", name: "Asana", description: "Work management", category: "productivity", criticality: "low", connectorKind: "demo", ownerDept: "Operations", entitlements: [
    e("member", "Member", "edit", "low"),
    e("admin", "Admin", "admin", "medium", { kind: "role" }),
  ] },
  { key: "box", name: "Box", description: "Enterprise file storage", category: "storage", criticality: "medium", connectorKind: "demo", ownerDept: "IT", entitlements: [
    e("user", "User", "edit", "low"),
    e("co-admin", "Co-admin", "admin", "medium", { kind: "role" }),
    e("admin", "Admin", "admin", "high", { ...P, kind: "role" }),
  ] },
  { key: "dropbox", name: "Dropbox", description: "File sharing with agencies", category: "storage", criticality: "low", connectorKind: "demo", ownerDept: "Marketing", entitlements: [
    e("member", "Member", "edit", "low"),
    e("team-admin", "Team admin", "admin", "high", { ...P, kind: "role" }),
  ] },
  { key: "loom", name: "Loom", description: "Video messages", category: "collaboration", criticality: "low", connectorKind: "demo", ownerDept: "Product", entitlements: [
    e("creator", "Creator", "edit", "low"),
    e("admin", "Admin", "admin", "medium", { kind: "role" }),
  ] },
];

export type RoleDef = {
  key: string;
  name: string;
  description: string;
  /** Baseline roles produce grants with source "birthright"; the others "role". */
  baseline?: boolean;
  /** Department whose head owns the role (default IT). */
  ownerDept?: string;
  requestable?: boolean;
  /** Rules that assign the role (any rule matching is enough). Empty: request-only package. */
  rules: RuleCondition[][];
  entitlements: string[];
};

const dept = (name: string): RuleCondition => ({ attribute: "department", op: "eq", value: name });
const levelGte = (n: number): RuleCondition => ({ attribute: "level", op: "gte", value: n });
const title = (...t: string[]): RuleCondition =>
  t.length === 1 ? { attribute: "title", op: "eq", value: t[0]! } : { attribute: "title", op: "in", value: t };
const team = (t: string): RuleCondition => ({ attribute: "attributes.team", op: "eq", value: t });

/** Role order matters: a person's grant for an entitlement cites the first role that gives it. */
export const ROLES: RoleDef[] = [
  { key: "all-employees", name: "All employees", description: "Baseline access for every employee and intern", baseline: true, ownerDept: "IT",
    rules: [[{ attribute: "employmentType", op: "in", value: ["employee", "intern"] }]],
    entitlements: ["google-workspace:user", "slack:member", "zoom:basic", "okta:user", "1password:member", "workday:ess", "lattice:employee", "notion:member", "loom:creator", "confluence:viewer", "expensify:submitter", "box:user"] },
  { key: "contractor-baseline", name: "Contractor baseline", description: "Minimal access for contractors", baseline: true, ownerDept: "IT",
    rules: [[{ attribute: "employmentType", op: "eq", value: "contractor" }]],
    entitlements: ["google-workspace:user", "slack:guest", "zoom:basic", "okta:user", "confluence:viewer"] },
  { key: "people-managers", name: "People managers", description: "Tools for everyone with direct reports", baseline: true, ownerDept: "People",
    rules: [[{ attribute: "attributes.peopleManager", op: "eq", value: "yes" }, { attribute: "employmentType", op: "eq", value: "employee" }]],
    entitlements: ["workday:mss", "lattice:manager", "expensify:approver", "greenhouse:hiring-manager"] },
  { key: "executives", name: "Executive team", description: "Company-wide reporting for the leadership team", ownerDept: "Executive",
    rules: [[levelGte(7)]],
    entitlements: ["tableau:viewer", "salesforce:read-only", "carta:stakeholder", "netsuite:employee-center"] },

  { key: "engineering", name: "Engineering", description: "Everyday engineering toolchain", ownerDept: "Engineering",
    rules: [[dept("Engineering")]],
    entitlements: ["github:org-member", "github:repo-write", "jira:user", "confluence:editor", "datadog:standard", "sentry:member", "linear:member", "aws:readonly", "pagerduty:responder", "launchdarkly:reader", "vercel:developer", "1password:vault-engineering"] },
  { key: "engineering-senior", name: "Engineering (senior)", description: "Staging and read-only production access for L3+", ownerDept: "Engineering",
    rules: [[dept("Engineering"), levelGte(3)]],
    entitlements: ["aws:developer", "postgres-prod:app_readonly", "launchdarkly:writer", "github:repo-maintain"] },
  { key: "engineering-leads", name: "Engineering leads", description: "Deploy approval and project administration for L5+", ownerDept: "Engineering",
    rules: [[dept("Engineering"), levelGte(5)]],
    entitlements: ["github:prod-deploy-approver", "jira:project-admin", "pagerduty:manager"] },
  { key: "infrastructure", name: "Infrastructure on-call", description: "Production operations for the Infrastructure team", ownerDept: "Engineering",
    rules: [[dept("Engineering"), team("Infrastructure")]],
    entitlements: ["aws:power-user", "postgres-prod:app_readwrite", "datadog:admin", "pagerduty:manager"] },

  { key: "product", name: "Product", description: "Product management toolkit", ownerDept: "Product",
    rules: [[dept("Product")]],
    entitlements: ["jira:user", "confluence:editor", "figma:editor", "linear:member", "datadog:read-only", "tableau:viewer", "miro:member", "snowflake:ANALYST", "github:org-member", "launchdarkly:reader"] },
  { key: "design", name: "Design", description: "Design toolkit", ownerDept: "Design",
    rules: [[dept("Design")]],
    entitlements: ["figma:editor", "miro:member", "jira:user", "confluence:editor", "linear:member", "dropbox:member"] },
  { key: "design-leads", name: "Design leads", description: "Design tool administration", ownerDept: "Design",
    rules: [[dept("Design"), levelGte(5)]],
    entitlements: ["figma:admin", "miro:admin"] },

  { key: "sales", name: "Sales", description: "Selling toolkit", ownerDept: "Sales",
    rules: [[dept("Sales")]],
    entitlements: ["salesforce:standard-user", "hubspot:sales-seat", "gong:recorded-user", "docusign:sender", "zoom:licensed", "tableau:viewer"] },
  { key: "sales-managers", name: "Sales managers", description: "Pipeline management for L5+", ownerDept: "Sales",
    rules: [[dept("Sales"), levelGte(5)]],
    entitlements: ["salesforce:sales-manager", "gong:viewer", "tableau:explorer"] },
  { key: "solutions-engineering", name: "Solutions engineering", description: "Demo environments and technical docs", ownerDept: "Sales",
    rules: [[dept("Sales"), title("Solutions Engineer")]],
    entitlements: ["github:org-member", "jira:user", "confluence:editor", "aws:readonly"] },
  { key: "marketing", name: "Marketing", description: "Marketing toolkit", ownerDept: "Marketing",
    rules: [[dept("Marketing")]],
    entitlements: ["hubspot:marketing-user", "salesforce:read-only", "figma:viewer", "miro:member", "dropbox:member", "tableau:viewer"] },
  { key: "customer-success", name: "Customer success", description: "Support and success toolkit", ownerDept: "Customer Success",
    rules: [[dept("Customer Success")]],
    entitlements: ["zendesk:agent", "intercom:teammate", "salesforce:standard-user", "gong:recorded-user", "tableau:viewer", "jira:user", "stripe:view-only"] },
  { key: "customer-success-leads", name: "Customer success leads", description: "Support tooling administration for L5+", ownerDept: "Customer Success",
    rules: [[dept("Customer Success"), levelGte(5)]],
    entitlements: ["zendesk:admin", "intercom:admin"] },

  { key: "finance", name: "Finance", description: "Finance toolkit", ownerDept: "Finance",
    rules: [[dept("Finance")]],
    entitlements: ["netsuite:employee-center", "quickbooks:reports-only", "tableau:explorer", "stripe:view-only", "docusign:sender", "1password:vault-finance", "google-workspace:drive-finance"] },
  { key: "finance-ap", name: "Accounts payable", description: "Enter vendor bills", ownerDept: "Finance",
    rules: [[dept("Finance"), title("Accounts Payable Specialist")]],
    entitlements: ["netsuite:ap-clerk"] },
  { key: "finance-ar", name: "Accounts receivable", description: "Customer invoicing", ownerDept: "Finance",
    rules: [[dept("Finance"), title("Accounts Receivable Specialist")]],
    entitlements: ["netsuite:ar-clerk"] },
  { key: "finance-payments", name: "Payments operations", description: "Refunds and disputes", ownerDept: "Finance",
    rules: [[dept("Finance"), title("Payments Analyst")]],
    entitlements: ["stripe:refund-analyst", "stripe:support"] },
  { key: "finance-treasury", name: "Treasury", description: "Payouts and bank accounts", ownerDept: "Finance",
    rules: [[dept("Finance"), title("Treasury Analyst")]],
    entitlements: ["stripe:payouts-manager", "aws:billing"] },
  { key: "finance-managers", name: "Finance managers", description: "Approvals for L5+", ownerDept: "Finance",
    rules: [[dept("Finance"), levelGte(5)]],
    entitlements: ["netsuite:ap-approver", "quickbooks:standard", "expensify:policy-admin"] },
  { key: "finance-leadership", name: "Finance leadership", description: "Close and equity for L6+", ownerDept: "Finance",
    rules: [[dept("Finance"), levelGte(6)]],
    entitlements: ["netsuite:controller", "carta:stakeholder"] },

  { key: "people", name: "People team", description: "HR toolkit", ownerDept: "People",
    rules: [[dept("People")]],
    entitlements: ["workday:hr-partner", "greenhouse:interviewer", "lattice:admin", "bamboohr:employee", "docusign:sender"] },
  { key: "recruiting", name: "Recruiting", description: "Candidate pipeline", ownerDept: "People",
    rules: [[dept("People"), title("Recruiter", "Recruiting Coordinator")]],
    entitlements: ["greenhouse:recruiter"] },
  { key: "payroll", name: "Payroll", description: "Run payroll", ownerDept: "People",
    rules: [[dept("People"), title("Payroll Specialist")]],
    entitlements: ["workday:payroll-admin"] },
  { key: "hris", name: "HRIS administration", description: "Configure the HR systems", ownerDept: "People",
    rules: [[dept("People"), title("HRIS Administrator")]],
    entitlements: ["workday:hr-admin", "bamboohr:hr-admin"] },

  { key: "it", name: "IT", description: "Service desk administration", ownerDept: "IT",
    rules: [[dept("IT")]],
    entitlements: ["okta:helpdesk-admin", "google-workspace:groups-admin", "zoom:admin", "slack:workspace-admin", "jira:user", "confluence:editor", "box:co-admin"] },
  { key: "it-senior", name: "IT (senior)", description: "Identity and directory administration for L4+", ownerDept: "IT",
    rules: [[dept("IT"), levelGte(4)]],
    entitlements: ["okta:app-admin", "google-workspace:user-admin"] },
  { key: "security", name: "Security", description: "Security monitoring and audit", ownerDept: "Security",
    rules: [[dept("Security")]],
    entitlements: ["okta:readonly-admin", "aws:security-audit", "github:org-member", "github:security-manager", "datadog:read-only", "1password:vault-security", "jira:user", "confluence:editor", "sentry:member", "pagerduty:responder"] },
  { key: "legal", name: "Legal", description: "Contracts and corporate records", ownerDept: "Legal",
    rules: [[dept("Legal")]],
    entitlements: ["docusign:sender", "confluence:editor", "carta:stakeholder"] },
  { key: "legal-senior", name: "Legal (senior)", description: "Equity and signature administration for L5+", ownerDept: "Legal",
    rules: [[dept("Legal"), levelGte(5)]],
    entitlements: ["carta:legal-admin", "docusign:admin"] },
  { key: "operations", name: "Operations", description: "Business operations toolkit", ownerDept: "Operations",
    rules: [[dept("Operations")]],
    entitlements: ["tableau:viewer", "docusign:sender", "netsuite:employee-center", "zendesk:light-agent"] },
  { key: "data", name: "Data", description: "Analytics toolkit", ownerDept: "Data",
    rules: [[dept("Data")]],
    entitlements: ["snowflake:TRANSFORMER", "tableau:creator", "github:org-member", "github:repo-write", "aws:readonly", "datadog:read-only", "jira:user", "confluence:editor"] },
  { key: "data-senior", name: "Data (senior)", description: "Access to personal data for L4+", ownerDept: "Data",
    rules: [[dept("Data"), levelGte(4)]],
    entitlements: ["snowflake:PII_READER"] },
  { key: "data-platform", name: "Data platform", description: "Warehouse administration", ownerDept: "Data",
    rules: [[dept("Data"), team("Data Platform")]],
    entitlements: ["snowflake:SYSADMIN"] },

  // Requestable access packages: no rule; people ask for them.
  { key: "on-call-responder", name: "On-call responder", description: "Join an on-call rotation", ownerDept: "Engineering", requestable: true, rules: [],
    entitlements: ["pagerduty:responder", "datadog:standard", "aws:readonly"] },
  { key: "analytics-toolkit", name: "Analytics toolkit", description: "Query the warehouse and build dashboards", ownerDept: "Data", requestable: true, rules: [],
    entitlements: ["snowflake:ANALYST", "tableau:explorer"] },
  { key: "design-collaboration", name: "Design collaboration", description: "Comment on designs and boards", ownerDept: "Design", requestable: true, rules: [],
    entitlements: ["figma:viewer", "miro:member"] },
];

export type SodPolicyDef = {
  key: string;
  name: string;
  description: string;
  severity: Sens;
  action: "block" | "require_approval";
  a: string[];
  b: string[];
  /** Department where a violation is most plausible (used when nobody holds either side). */
  dept: string;
};

export const SOD_POLICIES: SodPolicyDef[] = [
  { key: "netsuite-ap", name: "NetSuite: AP clerk vs AP approver", description: "Whoever enters vendor bills must not approve them.", severity: "critical", action: "block",
    a: ["netsuite:ap-clerk"], b: ["netsuite:ap-approver"], dept: "Finance" },
  { key: "stripe-refunds-payouts", name: "Stripe: refunds vs payouts", description: "Issuing refunds and changing payout destinations together allows diverting funds.", severity: "high", action: "require_approval",
    a: ["stripe:refund-analyst"], b: ["stripe:payouts-manager"], dept: "Finance" },
  { key: "github-admin-deploy", name: "GitHub: org admin vs production deploy approver", description: "An organisation owner can bypass branch protection; approving their own production deploys defeats review.", severity: "high", action: "require_approval",
    a: ["github:org-owner"], b: ["github:prod-deploy-approver"], dept: "Engineering" },
  { key: "workday-hr-payroll", name: "Workday: HR administrator vs payroll administrator", description: "Creating workers and running payroll together allows ghost employees.", severity: "critical", action: "block",
    a: ["workday:hr-admin"], b: ["workday:payroll-admin"], dept: "People" },
];

/** A person holding at least this many active privileged grants is an outlier. */
export const PRIVILEGED_GRANT_THRESHOLD = 6;

/** Grants unused for this many days count as stale. */
export const UNUSED_DAYS = 90;

export const REQUEST_REASONS = [
  "Need it for the Q3 migration project",
  "Covering for a teammate during their leave",
  "Joining the cross-team launch working group",
  "Required to review customer escalations",
  "Building the quarterly business review dashboard",
  "Onboarding to a new project",
  "Pairing with the platform team this sprint",
  "Need to read the design specs for my work",
];
