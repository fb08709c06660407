/**
 * Types of the plain-language parser (parser.ts): the directory it reads, the results it returns, and the
 * intermediate scans its stages pass on (scan-words.ts → scan-people.ts → resolve.ts → items.ts).
 */
import type { DirectoryIndex } from "./directory-index";
import type { DurationFound } from "./durations";
import type { Candidate } from "./fuzzy";
import type { Tok } from "./tokens";
import type { Act } from "./vocabulary";

export type Level = "read" | "edit" | "admin";

export type DirectoryPerson = {
  id: string;
  displayName: string;
  givenName: string;
  familyName: string;
  email: string;
  title: string;
  department: string;
  location: string;
  team?: string | null;
  managerId?: string | null;
  /** YYYY-MM-DD; "my new hire" is a report who started (or starts) within NEW_HIRE_DAYS of today. */
  startDate?: string | null;
};
export type DirectoryApplication = { id: string; key: string; name: string; aliases?: string[] };
export type DirectoryEntitlement = { id: string; applicationId: string; name: string; level: Level; privileged: boolean; requestable?: boolean };
export type Directory = { people: DirectoryPerson[]; applications: DirectoryApplication[]; entitlements: DirectoryEntitlement[] };

export type PersonRef =
  | { kind: "person"; personId: string; displayName: string }
  | { kind: "group"; description: string; personIds: string[] };

export type PeerFilter = { title?: string; department?: string; location?: string; team?: string; personIds?: string[] };
export type DraftItem = { applicationId: string; entitlementId?: string; level?: Level; text: string };

export type RequestDraft = {
  kind: "draft";
  action: "grant" | "revoke";
  beneficiary: PersonRef;
  referencePeers?: { description: string; filter: PeerFilter };
  items: DraftItem[];
  durationDays?: number;
  until?: string;
  justification?: string;
  explanation: string[];
};
export type AmbiguousResult = { kind: "ambiguous"; question: string; field: string; options: Array<{ id: string; label: string }> };
export type NotUnderstood = { kind: "not_understood"; message: string; suggestions: string[]; /** Not an access request the portal files (password reset, admin of everything). */ refused?: boolean };
export type ParseResult = RequestDraft | AmbiguousResult | NotUnderstood;

export type ParseOptions = {
  requesterId: string;
  today: string;
  /** Answers to earlier questions: `{ [ambiguous.field]: option id }`. */
  choices?: Record<string, string>;
};

export const MAX_REQUEST_LENGTH = 500;
/** "My new hire": a report whose start date is within this many days of today (before or after). */
export const NEW_HIRE_DAYS = 60;
/** Said in a draft's explanation when no one else was named. */
export const DEFAULTED_TO_REQUESTER = "No one else was named, so the request is for you.";

export const EXAMPLES = [
  "give Priya GitHub read-only for two weeks",
  "revoke Tom's Salesforce admin",
  "give Sarah the same access as the other solutions engineers on the East Coast team",
  "grant me Figma editor until Friday",
];

// ---------------------------------------------------------------------------------------------
// Between the stages

export type AppMention = { i: number; n: number; app: DirectoryApplication; raw: string; corrected: boolean };
export type LevelMention = { i: number; n: number; level: Level; raw: string };
export type EntMention = { i: number; n: number; ent: DirectoryEntitlement; raw: string };
export type PersonMention = { i: number; n: number; people: DirectoryPerson[]; raw: string; field: string; corrected: boolean };
export type ActionMention = { i: number; act: Act; copy: boolean; match?: boolean; negated?: boolean; raw: string };
export type Inner = RequestDraft | AmbiguousResult | (NotUnderstood & { missingApplication?: boolean });

/** What the first stage read: the text, its tokens, verbs, peer phrase, applications, roles and levels. */
export type WordScan = {
  kind: "words";
  input: string;
  choices: Record<string, string>;
  explanation: string[];
  text: string;
  dur: DurationFound | null;
  justification: string | undefined;
  toks: Tok[];
  groupMention: { i: number; n: number } | null;
  teamQualifier: boolean;
  qualifierAt: number;
  actions: ActionMention[];
  peerSpan: { from: number; to: number } | null;
  inPeerSpan: (i: number) => boolean;
  idx: DirectoryIndex;
  appCands: Candidate<DirectoryApplication>[];
  appMentions: AppMention[];
  appById: Map<string, DirectoryApplication>;
  entMentions: EntMention[];
  levelMentions: LevelMention[];
};

/** …then the people: the requester's relations, "me", peer attributes, names, and the words nobody claimed. */
export type PeopleScan = Omit<WordScan, "kind"> & {
  kind: "people";
  requester: DirectoryPerson | undefined;
  selfMentions: number[];
  filter: PeerFilter;
  filterWords: string[];
  personMentions: PersonMention[];
  pCands1: Candidate<DirectoryPerson>[];
  leftovers: Array<{ t: Tok; i: number }>;
};

/** …then who receives it, the action, and whose access is copied. */
export type Resolved = { action: Act; beneficiary: PersonRef; referencePeers: RequestDraft["referencePeers"] | undefined };
