/**
 * Plain-language access requests → a structured draft for the requester to confirm.
 *
 * Inputs: the typed text (≤ 500 characters), the directory as plain data (people,
 * applications, entitlements), the requester's id and `today` (YYYY-MM-DD), and optionally
 * the answers to earlier questions (`choices`, keyed by the `field` of an ambiguous result).
 * Output: a draft (never submitted here), a question when something has two readings (two
 * people called Sarah, an application level with two entitlements), or "not understood" with
 * a message and suggestions. Never throws on any string.
 *
 * Method (deterministic, offline, no model):
 *  1. Guards: empty, too long, control characters, and patterns of SQL injection, markup or
 *     prompt injection are refused before any parsing.
 *  2. The first duration phrase is read (durations.ts) and blanked out of the text.
 *  3. Tokenise (emails whole; "Tom's" → "tom" + possessive), then tag tokens in passes, each
 *     pass only seeing tokens no earlier pass claimed: group phrases ("my team"), action verbs,
 *     peer markers ("same access as", "what … has", copy/mirror/clone), applications (n-grams
 *     of 1-4 tokens against names, keys and aliases, longest first, fuzzy.ts thresholds),
 *     access-level words, entitlement names, pronouns, emails and person names, then titles,
 *     departments, teams and locations inside the peer phrase (plurals singularised).
 *  4. Roles: persons inside the peer phrase, a possessive followed by "access", or the source
 *     of copy/mirror/clone are reference peers; other persons are the beneficiary.
 *  5. Each level word attaches to the nearest application mention (the preceding one on a
 *     tie) and picks that application's entitlement of that level.
 * Complexity: the directory index (every key normalised once, exact-name hash maps) costs
 * O(P + A + E) string work and is cached per directory object (WeakMap by identity: pass a
 * new object when the directory changes). A parse is O(T · N) n-gram lookups for T tokens
 * (T ≤ ~100 by the length guard) and n-grams up to N = 4; exact names are hash lookups, a
 * misspelt name is a linear scan of the K keys with O(L²) edit distance on the few that pass
 * the length and first-letter filters. On a synthetic 20,000-person directory: ~1 s for the
 * first call (index + warm-up), tens of ms after, ~0.4 s for a misspelt name.
 */
import { aliasesFor, isKnownName, nicknamesOf } from "./aliases";
import { normalizeChat, refusalOf } from "./chat";
import { daysBetween, findDuration, formatDate } from "./durations";
import { findJustification } from "./justification";
import { type Candidate, bestMatches, closest, compact, jaroWinkler, matchKey, matchPrepared, normalize, normalizeFlat, prepare, singularize, singularizeWord } from "./fuzzy";

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

export const EXAMPLES = [
  "give Priya GitHub read-only for two weeks",
  "revoke Tom's Salesforce admin",
  "give Sarah the same access as the other solutions engineers on the East Coast team",
  "grant me Figma editor until Friday",
];

// ---------------------------------------------------------------------------------------------
// Guards

const HOSTILE: Array<{ re: RegExp; message: string }> = [
  { re: /<\s*\/?\s*[a-z!?][^>]*>|<\s*script|javascript\s*:|on(error|load|click)\s*=|&lt;|&#x?\d/i, message: "That text contains markup or script, which I don't accept in a request." },
  {
    re: /\b(drop|truncate|alter)\s+(table|database|schema)\b|\bunion\s+(all\s+)?select\b|\binsert\s+into\b|\bdelete\s+from\b|\bselect\s+[\w*,\s]+\s+from\b|\bupdate\s+\w+\s+set\b|['"]\s*(or|and)\s+['"]?\w+['"]?\s*=\s*['"]?\w+|\bor\s+1\s*=\s*1\b|;\s*--|'\s*;|\/\*|\*\/|\bxp_cmdshell\b|\bexec(ute)?\s*\(|\bsleep\s*\(\d|\bwaitfor\s+delay\b/i,
    message: "That text looks like a database command, not an access request.",
  },
  {
    re: /\b(ignore|disregard|forget|override)\b[\w\s,]{0,30}\b(instructions?|prompts?|rules?|polic(y|ies)|guardrails?|context)\b|\bsystem\s+prompt\b|\byou\s+are\s+now\b|\bact\s+as\b|\bpretend\s+(to\s+be|you)\b|\bjailbreak\b|\bdeveloper\s+mode\b|\b(bypass|skip|without)\s+(the\s+|any\s+)?(approvals?|review|checks?|policy)\b|\bnew\s+instructions?\b|\bassistant\s*:|\bsystem\s*:/i,
    message: "That reads as an instruction to change how requests are handled. I only turn requests into drafts; approvals always apply.",
  },
];

// ---------------------------------------------------------------------------------------------
// Vocabulary

type Act = "grant" | "revoke";
const ACTION_PHRASES: Array<[string, Act, ("copy" | "match")?]> = [
  ["no longer needs", "revoke"], ["no longer need", "revoke"], ["doesnt need", "revoke"], ["does not need", "revoke"],
  ["take away", "revoke"], ["cut off", "revoke"], ["get rid of", "revoke"], ["kick out", "revoke"],
  ["set up", "grant"], ["sign up", "grant"], ["hook up", "grant"], ["id like", "grant"], ["would like", "grant"], ["should have", "grant"],
  ["should get", "grant"], ["can have", "grant"], ["let me", "grant"], ["add me", "grant"], ["onboard", "grant"],
  ["make", "grant"], ["promote", "grant"], ["upgrade", "grant"], ["bump", "grant"], ["extend", "grant"], ["renew", "grant"], ["invite", "grant"],
  ["hook", "grant"], ["sort", "grant"], ["gets", "grant"], ["giving", "grant"], ["granting", "grant"], ["adding", "grant"], ["needs to", "grant"],
  ["offboarding", "revoke"], ["downgrade", "revoke"], ["deactivate", "revoke"], ["kill", "revoke"], ["lock", "revoke"], ["suspend", "revoke"],
  ["should not have", "revoke"], ["shouldnt have", "revoke"], ["must not have", "revoke"], ["no longer have", "revoke"], ["not need", "revoke"],
  ["require", "grant"], ["requires", "grant"], ["required", "grant"],
  ["doesnt need", "revoke"], ["dont need", "revoke"], ["lose", "revoke"], ["loses", "revoke"], ["should lose", "revoke"], ["should no longer have", "revoke"], ["do not need", "revoke"], ["no longer requires", "revoke"],
  ["revoke", "revoke"], ["remove", "revoke"], ["delete", "revoke"], ["disable", "revoke"], ["drop", "revoke"],
  ["deprovision", "revoke"], ["offboard", "revoke"], ["strip", "revoke"], ["rescind", "revoke"], ["withdraw", "revoke"],
  ["unassign", "revoke"], ["revoking", "revoke"], ["removing", "revoke"], ["pull", "revoke"],
  ["give", "grant"], ["grant", "grant"], ["add", "grant"], ["provide", "grant"], ["provision", "grant"], ["need", "grant"],
  ["needs", "grant"], ["want", "grant"], ["wants", "grant"], ["request", "grant"], ["requesting", "grant"], ["enable", "grant"],
  ["get", "grant"], ["assign", "grant"], ["allow", "grant"], ["onboard", "grant"], ["access to", "grant"],
  ["copy", "grant", "copy"], ["clone", "grant", "copy"], ["mirror", "grant", "copy"], ["replicate", "grant", "copy"],
  // Politeness and chat ("I'd love", "could use"), and removals said with "be"/"use"/"come off".
  ["id love", "grant"], ["would love", "grant"], ["could use", "grant"], ["can use", "grant"],
  ["shouldnt be", "revoke"], ["should not be", "revoke"], ["should no longer be", "revoke"], ["no longer be", "revoke"], ["must not be", "revoke"],
  ["no longer uses", "revoke"], ["no longer use", "revoke"], ["doesnt use", "revoke"], ["dont use", "revoke"], ["not using", "revoke"], ["stopped using", "revoke"],
  ["come off", "revoke"], ["coming off", "revoke"], ["taken off", "revoke"], ["be removed", "revoke"], ["cut", "revoke"], ["yank", "revoke"], ["can go", "revoke"], ["can go ahead", "grant"], ["go ahead", "grant"], ["on hold", "revoke"], ["should go", "revoke"], ["can be removed", "revoke"], ["can be revoked", "revoke"], ["close", "revoke"],
  ["id appreciate", "grant"], ["put", "grant"], ["given", "grant"], ["added", "grant"], ["be added", "grant"], ["ought to have", "grant"], ["ought to get", "grant"], ["would appreciate", "grant"], ["appreciate", "grant"], ["is missing", "grant"], ["missing", "grant"],
  ["wont need", "revoke"], ["wont be needing", "revoke"], ["will not need", "revoke"], ["will not be needing", "revoke"], ["not needing", "revoke"], ["no need for", "revoke"],
  // "X should match Y" / "X should mirror Y": the person before the verb receives, the one after is copied.
  ["match", "grant", "match"], ["matches", "grant", "match"],
];

const LEVEL_PHRASES: Array<[string, Level]> = [
  ["read only", "read"], ["readonly", "read"], ["read access", "read"], ["view only", "read"], ["viewer", "read"], ["viewers", "read"],
  ["reader", "read"], ["read", "read"], ["view", "read"], ["ro", "read"],
  ["read write", "edit"], ["editor", "edit"], ["editors", "edit"], ["edit", "edit"], ["write", "edit"], ["writer", "edit"],
  ["contributor", "edit"], ["rw", "edit"], ["read and write", "edit"], ["write access", "edit"], ["edit access", "edit"], ["editing", "edit"],
  ["view access", "read"], ["read rights", "read"], ["look only", "read"], ["look at", "read"],
  ["administrator", "admin"], ["admin", "admin"], ["admins", "admin"], ["owner", "admin"], ["superuser", "admin"], ["super user", "admin"],
];
const LEVEL_WORD: Record<Level, string> = { read: "read-only", edit: "editor", admin: "admin" };

const TIME_WORDS = /^(days?|weeks?|wks?|months?|mos?|years?|yrs?|fortnights?|quarters?|tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday|until|till|til|thru|through|eod|eow|eom|midnight|noon|jan(uary)?|feb(ruary)?|march|april|june|july|aug(ust)?|sept?(ember)?|oct(ober)?|nov(ember)?|dec(ember)?|\d{4}|\d{1,2}(st|nd|rd|th))$/;
/** Someone other than the requester, not named: a draft must not fall back to the requester. */
const UNNAMED_PERSON = new Set(["someone", "somebody", "anyone", "anybody", "he", "she", "they", "him", "her", "them", "hes", "shes", "theyre", "colleague", "coworker", "teammate", "person", "guy", "girl"]);
const EVENT_AFTER_TIME = /^(end|close|closing|review|planning|report|reporting|kickoff)$/;
const SELF_WORDS = new Set(["me", "myself", "i", "my", "mine", "im"]);
const NEGATIONS = new Set(["not", "no", "never", "dont", "doesnt", "didnt", "wont", "cant", "cannot", "shouldnt", "mustnt", "isnt", "arent", "wasnt", "neednt", "wouldnt", "couldnt"]);
/** "I think Raj needs …", "before I forget, …": "I" followed by these is not asking for itself. */
const NOT_A_REQUEST_AFTER_I = new Set(["think", "guess", "believe", "hope", "forget", "forgot", "noticed", "saw", "heard", "mean", "meant", "realised", "realized", "know", "suppose", "assume", "understand", "reckon", "wonder", "manage", "approve", "told", "said",
  "asking", "requesting", "writing", "wondering", "hoping", "trying", "reaching", "following", "checking", "filing", "raising", "submitting", "sending"]);
const ACCESS_WORDS = new Set(["access", "permissions", "permission", "apps", "applications", "entitlements", "rights", "roles", "setup", "accounts", "groups"]);

const STOP = new Set(
  (
    "a an the to for from of on in at with and or & plus also too as well please pls plz kindly thanks thank thx you can could would will " +
    "should shall must may might be is are was were been being have has had do does did i'd id we us our he him his she her hers they them " +
    "their it its this that these those there here just now today asap immediately urgently quickly same other others rest all every each " +
    "any some new hire hires starter joiner employee contractor intern user users member members person people someone team teams " +
    "reports report direct directs access accesses permission permissions account accounts app apps application applications license licence " +
    "seat role roles rights right level tool tools entitlement entitlements group groups what which who whom like than then into onto via but " +
    "not no longer more so up out back let use using make making set sure hi hey hello ok okay yes need needs needed want wants wanted " +
    "temporarily temporary temp while own next this coming lead dept department office based located working works work only full " +
    "login logins log sign signin both before licensed licence license licenses seat seats preparing prepare going gonna got get getting " +
    "going let lets hey hi hello yo morning team folks guys sorry btw fyi quick question ask asking wondering possible possibly " +
    "again still already soon yet ever also actually really just basically maybe perhaps think guess hoping hope thanks cheers " +
    "him her them his hers their me my mine myself our ours new hire hires starter starters joiner joiners guy girl gal dude person " +
    "one ones thing things stuff same kind sort type way bit little something anything everything nothing whatever usual standard normal " +
    "able see look looking check checking into onto over under about around across within without there their theyre " +
    "on behalf behalf of colleague colleagues coworker coworker teammate teammates buddy pal boss manager folks friend " +
    "setup config configuration privileges love if thats fine alright cool profile exactly precisely identical similar here when expires expiring ending " +
    "one two three four five six seven eight nine ten couple few several things"
  ).split(/\s+/),
);
for (const [p] of ACTION_PHRASES) for (const w of p.split(" ")) STOP.add(w);
for (const [p] of LEVEL_PHRASES) for (const w of p.split(" ")) STOP.add(w);

// ---------------------------------------------------------------------------------------------
// Tokens

type Tok = {
  raw: string;
  norm: string;
  start: number;
  end: number;
  possessive: boolean;
  email: boolean;
  /** Which pass claimed the token (undefined = free). */
  tag?: string;
};

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  const re = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+|[\p{L}\p{N}_]+(?:['’][\p{L}\p{N}_]+)*['’]?|&/gu;
  for (const m of text.matchAll(re)) {
    let raw = m[0];
    const start = m.index ?? 0;
    const email = raw.includes("@");
    let possessive = false;
    let core = raw;
    if (!email) {
      if (/['’]s$/i.test(core)) {
        possessive = true;
        core = core.slice(0, -2);
      } else if (/['’]$/.test(core)) {
        possessive = true;
        core = core.slice(0, -1);
      }
    }
    raw = m[0];
    const norm = email ? core.toLowerCase() : compact(normalizeFlat(core));
    if (!norm) continue;
    out.push({ raw, norm, start, end: start + raw.length, possessive, email });
  }
  return out;
}

const isFree = (t: Tok | undefined) => !!t && t.tag === undefined;
const phraseAt = (toks: Tok[], i: number, phrase: string): number => {
  const words = phrase.split(" ");
  for (let k = 0; k < words.length; k++) {
    const t = toks[i + k];
    if (!isFree(t) || t.norm !== words[k]) return 0;
    if (k < words.length - 1 && t.possessive) return 0;
  }
  return words.length;
};
const claim = (toks: Tok[], i: number, n: number, tag: string) => {
  for (let k = i; k < i + n; k++) toks[k].tag = tag;
};
const textOf = (text: string, toks: Tok[], i: number, n: number) => text.slice(toks[i].start, toks[i + n - 1].end);

// ---------------------------------------------------------------------------------------------
// Helpers over the directory

function personLabel(p: DirectoryPerson): string {
  const where = [p.title, p.department, p.location].filter(Boolean).join(", ");
  return `${p.displayName} — ${where}${p.team ? ` (${p.team} team)` : ""} <${p.email}>`;
}
function shortPerson(p: DirectoryPerson): string {
  return `${p.displayName} (${[p.title, p.department, p.location].filter(Boolean).join(", ")})`;
}
function appKeys(a: DirectoryApplication): string[] {
  return distinct([a.name, a.key, a.name.replace(/\s*\(.*\)\s*$/, ""), ...aliasesFor(a)]);
}
function personKeys(p: DirectoryPerson, n: number): string[] {
  const local = p.email.split("@")[0]?.replace(/[._-]+/g, " ") ?? "";
  if (n === 1) return [p.givenName, p.familyName, p.displayName.split(" ").length === 1 ? p.displayName : "", ...nicknamesOf(p.givenName)].filter(Boolean);
  // "Omar H": a given name and the family name's initial.
  const initial = p.familyName ? `${p.givenName} ${normalize(p.familyName)[0] ?? ""}` : "";
  return [p.displayName, `${p.givenName} ${p.familyName}`, local, initial].filter(Boolean);
}
const distinct = (xs: Array<string | null | undefined>) => [...new Set(xs.filter((x): x is string => !!x && !!x.trim()))];

function notUnderstood(message: string, suggestions: string[] = EXAMPLES): NotUnderstood {
  return { kind: "not_understood", message, suggestions };
}

// ---------------------------------------------------------------------------------------------
// The parser

type AppMention = { i: number; n: number; app: DirectoryApplication; raw: string; corrected: boolean };
type LevelMention = { i: number; n: number; level: Level; raw: string };
type EntMention = { i: number; n: number; ent: DirectoryEntitlement; raw: string };
type PersonMention = { i: number; n: number; people: DirectoryPerson[]; raw: string; field: string; corrected: boolean };

export function parseRequest(text: unknown, directory: Directory, opts: ParseOptions): ParseResult {
  try {
    const first = parseInner(text, directory, opts, true);
    // A "reason" that swallowed the only application ("I need to check logs in Datadog") is read again whole.
    if (first.kind === "not_understood" && first.missingApplication) {
      const again = parseInner(text, directory, opts, false);
      if (again.kind !== "not_understood" || !again.missingApplication) return again;
    }
    if (first.kind === "not_understood") delete first.missingApplication;
    // A "reason" that swallowed the verb ("Nina here - need Miro member") is read again whole.
    if (first.kind === "ambiguous" && first.field === "action") {
      const again = parseInner(text, directory, opts, false);
      if (again.kind !== "not_understood" && !(again.kind === "ambiguous" && again.field === "action")) return again;
    }
    // A draft that fell back to the requester while its "reason" names someone ("…, recorded user, for Bob"):
    // "for Bob" alone names who receives it; a longer reason naming someone ("covering for Carla") asks who.
    if (first.kind === "draft" && first.justification && first.explanation.includes(DEFAULTED_TO_REQUESTER)) {
      const named = peopleNamedIn(first.justification, directory, opts.requesterId);
      if (named.length) {
        const chosen = choicesOf(opts)[BENEFICIARY_FIELD];
        if (chosen === opts.requesterId) return first;
        const onlyName = /^(?:for|to)\s+[\p{L}'’.\s-]+?[\s.!]*(?:please|pls|thanks|thank you|ty)?[\s.!]*$/iu.test(first.justification);
        const again = onlyName && named.length === 1 ? parseInner(text, directory, opts, false) : null;
        if (again && again.kind === "draft" && again.beneficiary.kind === "person" && again.beneficiary.personId === named[0].id) return again;
        const pick = named.find((p) => p.id === chosen);
        if (pick) return { ...first, beneficiary: { kind: "person", personId: pick.id, displayName: pick.displayName }, explanation: [...first.explanation, `For ${shortPerson(pick)} (as you chose).`] };
        const me = directory.people.find((p) => p.id === opts.requesterId);
        return {
          kind: "ambiguous",
          question: `Is this for you, or for ${named.map((p) => p.displayName).join(" or ")}?`,
          field: BENEFICIARY_FIELD,
          options: [...(me ? [{ id: me.id, label: `Me (${me.displayName})` }] : []), ...named.map((p) => ({ id: p.id, label: personLabel(p) }))],
        };
      }
    }
    return first;
  } catch (e) {
    // The parser must never throw at a caller; a bug here becomes a polite refusal.
    return notUnderstood(`Sorry, I couldn't read that request (${e instanceof Error ? e.message : "internal error"}). Please rephrase it.`);
  }
}

const DEFAULTED_TO_REQUESTER = "No one else was named, so the request is for you.";
const BENEFICIARY_FIELD = "person:beneficiary";
const choicesOf = (o: ParseOptions) => o.choices ?? {};

/** People (other than the requester) named by given or family name, or by a capitalised nickname, in a text. */
function peopleNamedIn(text: string, dir: Directory, requesterId: string): DirectoryPerson[] {
  const idx = indexOf(dir);
  const out = new Map<string, DirectoryPerson>();
  for (const t of tokenize(text)) {
    for (const p of idx.exact1.get(t.norm) ?? []) {
      const own = [p.givenName, p.familyName].some((n) => compact(normalizeFlat(n)) === t.norm);
      if (p.id !== requesterId && (own || /^\p{Lu}/u.test(t.raw))) out.set(p.id, p);
    }
  }
  return [...out.values()];
}

type Inner = RequestDraft | AmbiguousResult | (NotUnderstood & { missingApplication?: boolean });

function parseInner(input: unknown, dir: Directory, opts: ParseOptions, cutReason: boolean): Inner {
  const choices = opts.choices ?? {};
  if (typeof input !== "string" || !input.trim()) return notUnderstood("Type what you need, for example: who, which application, and for how long.");
  if (input.length > MAX_REQUEST_LENGTH)
    return notUnderstood(`That request is ${input.length} characters long; please keep it under ${MAX_REQUEST_LENGTH} and ask for one change at a time.`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(input)) return notUnderstood("That text contains control characters; please type the request as plain text.");
  for (const h of HOSTILE) if (h.re.test(input)) return notUnderstood(h.message);

  const refusal = refusalOf(input);
  if (refusal) return { kind: "not_understood", message: refusal.message, suggestions: refusal.suggestions, refused: true };

  const explanation: string[] = [];
  let text = normalizeChat(input.replace(/\s+/g, " "));

  // Duration.
  const dur = findDuration(text, opts.today);
  if (dur?.kind === "error") return notUnderstood(dur.message, ["for 2 weeks", "until 2026-12-31", "until Friday"]);
  if (dur?.alternatives && !dur.alternatives.includes(choices.until ?? "")) {
    return {
      kind: "ambiguous",
      question: `Which day do you mean by "${dur.text.replace(/^\S+\s+/, "")}"?`,
      field: "until",
      options: dur.alternatives.map((d) => ({ id: d, label: `${formatDate(d)} (${d})` })),
    };
  }
  if (dur?.kind === "duration" && dur.alternatives && choices.until) {
    dur.until = choices.until;
    dur.durationDays = daysBetween(opts.today, choices.until);
    dur.explanation = `"${dur.text}": ${dur.durationDays} days, ending ${dur.until} (as you chose).`;
  }
  if (dur) {
    explanation.push(dur.explanation);
    text = text.slice(0, dur.start) + " ".repeat(dur.end - dur.start) + text.slice(dur.end);
  }

  // Justification ("because …", "for the Q3 audit", "to build the pipeline report") is kept aside, not parsed
  // for names or applications.
  let justification: string | undefined;
  const jf = cutReason ? findJustification(text) : null;
  if (jf) {
    justification = jf.text;
    text = text.slice(0, jf.start) + " ".repeat(text.length - jf.start);
  }

  const toks = tokenize(text);
  if (!toks.length) return notUnderstood("I couldn't find any words I understand in that request.");

  // Group phrases: "my team", "my reports", "my direct reports".
  let groupMention: { i: number; n: number } | null = null;
  let teamQualifier = false;
  let qualifierAt = -1;
  for (let i = 0; i < toks.length; i++) {
    for (const p of ["my direct reports", "my directs", "my reports", "my team", "my whole team", "my people", "my staff"]) {
      const n = phraseAt(toks, i, p);
      if (n) {
        // "the new guy on my team", "someone from my team": a qualifier of one person, not the whole team
        // ("everyone on my team" is still the team).
        const qualifier = ["on", "in", "from"].includes(toks[i - 1]?.norm ?? "") && !["everyone", "everybody", "all", "people", "folks", "each", "others", "rest"].includes(toks[i - 2]?.norm ?? "") && i >= 2;
        claim(toks, i, n, qualifier ? "filler" : "group");
        if (qualifier) (claim(toks, i - 1, 1, "filler"), (teamQualifier = true), (qualifierAt = i - 1));
        else groupMention ??= { i, n };
        break;
      }
    }
  }

  // Actions (longest phrases first; fuzzy for long verbs such as "revok", "grnat").
  const actions: Array<{ i: number; act: Act; copy: boolean; match?: boolean; negated?: boolean; raw: string }> = [];
  const sortedActions = [...ACTION_PHRASES].sort((a, b) => b[0].length - a[0].length);
  for (let i = 0; i < toks.length; i++) {
    if (!isFree(toks[i])) continue;
    for (const [p, act, copy] of sortedActions) {
      const n = phraseAt(toks, i, p);
      if (n) {
        // "drop" / "pull" are verbs only near the start ("drop the table" is caught by the guards).
        // …or at the start of a clause ("tim's moving, pull his Salesforce", "… and pull Bob's Zoom").
        const clauseStart = i <= 1 || /[,;:.!?–—-]/.test(text.slice(toks[i - 1].end, toks[i].start)) || ["and", "then", "also", "please"].includes(toks[i - 1].norm);
        if ((p === "drop" || p === "pull" || p === "close") && !clauseStart) continue;
        // "won't need", "can't have", "not give": a grant verb after a negation is not a grant (the parser then asks).
        const negated = act === "grant" && i > 0 && NEGATIONS.has(toks[i - 1].norm);
        actions.push({ i, act, copy: copy === "copy" || copy === "match", match: copy === "match", negated, raw: textOf(text, toks, i, n) });
        claim(toks, i, n, "action");
        break;
      }
    }
    if (i <= 1 && isFree(toks[i]) && toks[i].norm.length >= 5 && !toks[i].possessive) {
      for (const [p, act] of [["revoke", "revoke"], ["remove", "revoke"], ["grant", "grant"], ["provide", "grant"]] as const) {
        const m = matchKey(toks[i].norm, p);
        if (m && !m.exact) {
          actions.push({ i, act, copy: false, raw: toks[i].raw });
          explanation.push(`"${toks[i].raw}" read as "${p}".`);
          claim(toks, i, 1, "action");
          break;
        }
      }
    }
  }

  // Peer markers: "same [X] access as …", "what Bob has", "access like …".
  let peerSpan: { from: number; to: number } | null = null;
  for (let i = 0; i < toks.length && !peerSpan; i++) {
    if (toks[i].norm === "same") {
      const has = toks.findIndex((t, k) => k > i + 1 && k < i + 7 && (t.norm === "has" || t.norm === "have" || t.norm === "got") && !toks.slice(i + 1, k).some((x) => x.norm === "as" || x.norm === "that"));
      if (has > 0) {
        claim(toks, i, 1, "peer-marker");
        claim(toks, has, 1, "peer-marker");
        peerSpan = { from: i + 1, to: has };
        break;
      }
      for (let k = i + 1; k < Math.min(toks.length, i + 6); k++) {
        if (toks[k].norm === "as" || toks[k].norm === "that") {
          claim(toks, i, 1, "peer-marker");
          claim(toks, k, 1, "peer-marker");
          peerSpan = { from: k + 1, to: peerEnd(toks, k + 1) };
          break;
        }
      }
    } else if (toks[i].norm === "like" && i > 0 && isFree(toks[i]) && i + 1 < toks.length && ["just", "exactly", "same", "up", "look", "looks", "be"].includes(toks[i - 1].norm)) {
      claim(toks, i, 1, "peer-marker");
      peerSpan = { from: i + 1, to: peerEnd(toks, i + 1) };
    } else if (["what", "everything", "whatever"].includes(toks[i].norm) || ((toks[i].norm === "access" || toks[i].norm === "permissions") && toks[i + 1]?.norm === "like")) {
      if (toks[i].norm !== "access" && toks[i].norm !== "permissions") {
        const has = toks.findIndex((t, k) => k > i && ["has", "have", "got", "gets", "uses", "holds"].includes(t.norm));
        if (has > i + 1) {
          claim(toks, i, 1, "peer-marker");
          claim(toks, has, 1, "peer-marker");
          peerSpan = { from: i + 1, to: has };
        }
      } else {
        claim(toks, i, 2, "peer-marker");
        peerSpan = { from: i + 2, to: peerEnd(toks, i + 2) };
      }
    }
  }
  const inPeerSpan = (i: number) => !!peerSpan && i >= peerSpan.from && i < peerSpan.to;

  // Applications.
  const idx = indexOf(dir);
  const appCands = idx.apps;
  const appMentions: AppMention[] = [];
  for (let i = 0; i < toks.length; i++) {
    for (let n = Math.min(4, toks.length - i); n >= 1; n--) {
      const span = toks.slice(i, i + n);
      if (!span.every(isFree) || span.some((t) => t.email) || span.slice(0, -1).some((t) => t.possessive)) continue;
      const phrase = span.map((t) => t.norm).join(" ");
      let ranked = bestMatches(phrase, appCands);
      if (!ranked.length && n === 1 && phrase.length >= 5 && !STOP.has(phrase) && !idx.exact1.has(phrase)) {
        // Two slips in a short name ("tablue" for Tableau): accepted only when one application is clearly closest.
        const typed = compact(phrase);
        const near: Array<{ app: DirectoryApplication; key: string; score: number }> = [];
        for (const c of appCands)
          c.prepared?.forEach((k, ki) => {
            if (k[0] !== typed[0] || Math.abs(k.length - typed.length) > 2 || k.length < 5) return;
            const score = jaroWinkler(typed, k);
            if (score >= 0.9) near.push({ app: c.value, key: c.keys[ki], score });
          });
        near.sort((x, y) => y.score - x.score);
        const others = near.filter((x) => x.app.id !== near[0]?.app.id);
        if (near.length && (!others.length || near[0].score - others[0].score > 0.05)) ranked = [{ value: near[0].app, key: near[0].key, score: near[0].score, exact: false }];
      }
      if (!ranked.length) continue;
      const exact = ranked[0].exact;
      if (!exact && span.some((t) => STOP.has(t.norm))) continue;
      // A person's name is not a misspelt application ("Carla" is not Carta).
      if (!exact && n === 1 && idx.exact1.has(span[0].norm)) continue;
      // An exact shorter name beats a misspelt longer one ("NetSuite AP" is NetSuite, then "AP").
      if (!exact && n > 1 && bestMatches(span.slice(0, -1).map((t) => t.norm).join(" "), appCands).length) continue;
      // Nor does a misspelt name absorb the word before an exact one ("my AE hubspot" is HubSpot, after "AE"),
      // nor a person's name ("my AEs, Ana" is not Asana).
      if (!exact && n > 1 && (bestMatches(span.slice(1).map((t) => t.norm).join(" "), appCands)[0]?.exact || span.some((t) => idx.exact1.has(t.norm)))) continue;
      const top = ranked.filter((r) => r.score === ranked[0].score);
      const field = `application:${phrase}`;
      let app = top[0].value;
      if (top.length > 1) {
        const chosen = choices[field];
        const pick = top.find((r) => r.value.id === chosen);
        if (!pick)
          return {
            kind: "ambiguous",
            question: `Which application do you mean by "${textOf(text, toks, i, n)}"?`,
            field,
            options: top.map((r) => ({ id: r.value.id, label: r.value.name })),
          };
        app = pick.value;
      }
      appMentions.push({ i, n, app, raw: textOf(text, toks, i, n), corrected: !exact });
      claim(toks, i, n, "app");
      i += n - 1;
      break;
    }
  }

  // A misspelt application inside the exact name of a role of another application said exactly ("GitHub production
  // deploy approver" is not the production database): the role's words win.
  for (const am of [...appMentions]) {
    if (!am.corrected) continue;
    const others = new Set(appMentions.filter((x) => !x.corrected && x.app.id !== am.app.id).map((x) => x.app.id));
    if (!others.size) continue;
    const cands = dir.entitlements.filter((e) => others.has(e.applicationId)).map((e) => idx.entitlements.get(e.id)!).filter(Boolean);
    const inRole = [...Array(3).keys()].some((back) => [2, 3, 4].some((n) => {
      const from = am.i - back;
      if (from < 0 || from + n < am.i + am.n || from + n > toks.length) return false;
      const span = toks.slice(from, from + n);
      if (span.some((t) => t.tag !== undefined && t.tag !== "app")) return false;
      return !!bestMatches(span.map((t) => t.norm).join(" "), cands)[0]?.exact;
    }));
    if (inRole) {
      appMentions.splice(appMentions.indexOf(am), 1);
      for (let k = am.i; k < am.i + am.n; k++) toks[k].tag = undefined;
    }
  }

  // Entitlement names (scoped to the mentioned applications when there are any). Names of two words or more
  // said exactly ("help desk administrator", "sales hub seat") are read before level words, so a level word
  // inside a role's name does not hide the role.
  const mentionedAppIds = new Set(appMentions.map((m) => m.app.id));
  const entPool = dir.entitlements.filter((e) => !mentionedAppIds.size || mentionedAppIds.has(e.applicationId));
  const appById = new Map(dir.applications.map((a) => [a.id, a]));
  const entCands: Candidate<DirectoryEntitlement>[] = entPool.map((e) => idx.entitlements.get(e.id)!).filter(Boolean);
  const entMentions: EntMention[] = [];
  const entPass = (minN: number, exactOnly: boolean) => {
    for (let i = 0; i < toks.length; i++) {
      for (let n = Math.min(4, toks.length - i); n >= minN; n--) {
        const span = toks.slice(i, i + n);
        if (!span.every(isFree) || span.some((t) => t.email)) continue;
        const stops = span.filter((t) => STOP.has(t.norm)).length;
        if (stops && !mentionedAppIds.size) continue;
        const ranked = bestMatches(span.map((t) => t.norm).join(" "), entCands);
        // A misspelt name may contain a common word that is part of the name itself ("reprts only" → "Reports only").
        const ownStops = !!ranked.length && span.filter((t) => STOP.has(t.norm)).every((t) => normalize(ranked[0].key).split(" ").includes(t.norm));
        if (!ranked.length || (!ranked[0].exact && (exactOnly || !mentionedAppIds.size || (stops && (!ownStops || stops === n))))) continue;
        const top = ranked.filter((r) => r.score === ranked[0].score);
        if (top.length > 1) continue; // two entitlements share the name: leave it to the level/app logic
        entMentions.push({ i, n, ent: top[0].value, raw: textOf(text, toks, i, n) });
        claim(toks, i, n, "entitlement");
        i += n - 1;
        break;
      }
    }
  };
  if (mentionedAppIds.size) entPass(2, true);

  // Access levels.
  const levelMentions: LevelMention[] = [];
  const sortedLevels = [...LEVEL_PHRASES].sort((a, b) => b[0].length - a[0].length);
  for (let i = 0; i < toks.length; i++) {
    if (!isFree(toks[i])) continue;
    for (const [p, level] of sortedLevels) {
      const n = phraseAt(toks, i, p);
      if (n) {
        levelMentions.push({ i, n, level, raw: textOf(text, toks, i, n) });
        claim(toks, i, n, "level");
        break;
      }
    }
    if (isFree(toks[i]) && toks[i].norm.length >= 5) {
      for (const [p, level] of sortedLevels) {
        const m = p.length >= 5 && !p.includes(" ") ? matchKey(toks[i].norm, p) : null;
        if (m && !m.exact) {
          levelMentions.push({ i, n: 1, level, raw: toks[i].raw });
          claim(toks, i, 1, "level");
          break;
        }
      }
    }
  }

  entPass(1, false);
  // One word of a role's own name, next to its application, that no other role of that application has
  // ("github maintain" → "Repository maintain", "1pw engineering vault" → "Vault: Engineering shared").
  // Words in brackets ("(production)") do not count: they describe, they do not name. Only right next to the
  // application, and never for an admin-level or privileged role ("Okta help" is not "Help Desk Administrator").
  for (const am of appMentions) {
    if (entMentions.some((em) => em.ent.applicationId === am.app.id)) continue;
    // Unique among ALL the application's roles ("sales ops" is not "Sales Manager" because "Sales Operations" shares
    // "sales"), but only a non-admin, non-privileged role is picked this way.
    const ents = dir.entitlements.filter((e) => e.applicationId === am.app.id);
    const wordsOf = (e: DirectoryEntitlement) => normalize(e.name.replace(/\s*\([^)]*\)\s*/g, " ")).split(" ").map(singularizeWord);
    const named = ents.map((e) => ({ e, words: new Set(wordsOf(e)), last: wordsOf(e).at(-1) }));
    // "eng vault", "aws dev": a short form of one role word (3+ letters, a prefix of it).
    const prefixOf = (w: string, x: { words: Set<string> }) => w.length >= 3 && [...x.words].some((rw) => rw.length > w.length && rw.startsWith(w));
    // Right after the application, or right before it ("maintainer on GitHub").
    const before = ["on", "in", "for", "to", "at"].includes(toks[am.i - 1]?.norm ?? "") ? am.i - 2 : am.i - 1;
    for (const k of [am.i + am.n, before]) {
      const t = toks[k];
      if (!t || !isFree(t) || t.email || t.norm.length < 3 || TIME_WORDS.test(t.norm)) continue;
      // Common words count only as the last word of one role's name, right after the application ("G Suite user" → "Workspace user").
      const common = STOP.has(t.norm);
      if (common && !(k === am.i + am.n && (t.norm === "user" || t.norm === "member"))) continue;
      const w = singularizeWord(t.norm);
      const stem = w.length >= 7 ? w.replace(/(er|or)$/, "") : w;
      let hits = t.norm.length < 4 ? [] : named.filter((x) => (common ? x.last === w : x.words.has(w) || x.words.has(stem)));
      if (!hits.length && !common) hits = named.filter((x) => prefixOf(w, x));
      if (hits.length !== 1 || hits[0].e.privileged || hits[0].e.level === "admin") continue;
      entMentions.push({ i: k, n: 1, ent: hits[0].e, raw: t.raw });
      claim(toks, k, 1, "entitlement");
      // The role's other words said around it ("finance 1p vault": "vault") belong to it.
      for (const j of [k - 1, k + 1, am.i - 1, am.i + am.n])
        if (isFree(toks[j]) && hits[0].words.has(singularizeWord(toks[j].norm))) claim(toks, j, 1, "entitlement");
      break;
    }
  }
  entMentions.sort((a, b) => a.i - b.i);

  // The requester's people: "my new hire", "my SRE", "my account executive", "my boss". A relation is never
  // read as the requester: it names one of their reports (or asks which), or the request is not understood.
  const requester = dir.people.find((p) => p.id === opts.requesterId);
  const relationMentions: PersonMention[] = [];
  for (let i = 0; i < toks.length; i++) {
    // "my …", "our …", and "the new …" ("the new AE") name the requester's people.
    // "the SDR on my team": a title qualified by "on my team" names one of the requester's people too.
    const theNew = ((toks[i].norm === "the" || toks[i].norm === "our") && ["new", "newest", "latest", "intern", "contractor", "hire", "starter", "joiner"].includes(toks[i + 1]?.norm ?? "")) ||
      (toks[i].norm === "the" && qualifierAt > i + 1 && qualifierAt - i <= 4);
    // "the SDR", "the QA engineer": a title of one of the requester's people (only when it fits one of them).
    const theTitle = !theNew && toks[i].norm === "the" && isFree(toks[i + 1]) && !STOP.has(toks[i + 1].norm) && !toks[i + 1].email;
    if (!isFree(toks[i]) || (toks[i].norm !== "my" && toks[i].norm !== "our" && !theNew && !theTitle)) continue;
    const words: Tok[] = [];
    for (let k = i + 1; k < Math.min(toks.length, i + 5); k++) {
      const t = toks[k];
      if (!isFree(t) || t.email || RELATION_STOP.has(t.norm) || ACCESS_WORDS.has(t.norm)) break;
      if (idx.exact1.has(t.norm) && !RELATION_WORDS.has(t.norm)) break; // a name follows: "my report Rajesh"
      words.push(t);
      if (t.possessive) break;
    }
    const meaningful = words.filter((t) => !STOP.has(t.norm) || RELATION_WORDS.has(t.norm));
    if (!meaningful.length) continue;
    const next = toks[i + words.length + 1];
    const describes = (ps: DirectoryPerson[] | undefined) => !!ps?.some((p) => titleFits(p.title, meaningful.filter((t) => !RELATION_WORDS.has(t.norm)).map((t) => t.norm)));
    if ((meaningful.every((t) => ["report", "reports", "direct", "intern", "hire", "new"].includes(t.norm)) || describes(idx.exact1.get(next?.norm ?? ""))) && next && isFree(next) && idx.exact1.has(next.norm)) {
      // "my report Rajesh", "my new hire Jacob": the name says who; the relation words are only a description.
      claim(toks, i, words.length + 1, "relation-filler");
      continue;
    }
    const phrase = words.map((t) => t.raw.replace(/['’]s?$/, "")).join(" ");
    const found = relationPeople(dir, opts, meaningful.map((t) => t.norm), idx, theNew);
    if (found.kind === "unknown") continue; // not a relation word ("my Github" was already taken as an application)
    if (theTitle && !found.people.length) continue;
    if (theNew && !found.people.length) {
      // "the new hire Maria Lopez": a name may still say who; without one, "the intern" is nobody we know — never the requester.
      const after = toks[i + words.length + 1];
      if (after && isFree(after) && (idx.exact1.has(after.norm) || after.email)) continue;
      return notUnderstood(found.message, ["name the person instead, e.g. \"give Priya Patel Slack\""]);
    }
    if (!found.people.length) return notUnderstood(found.message, ["name the person instead, e.g. \"give Priya Patel Slack\""]);
    relationMentions.push({ i, n: words.length + 1, people: found.people, raw: `your ${phrase}`, field: `person:my ${meaningful.map((t) => t.norm).join(" ")}`, corrected: false });
    claim(toks, i, words.length + 1, "person");
    explanation.push(found.people.length === 1 ? `"my ${phrase}" read as ${shortPerson(found.people[0])}.` : `"my ${phrase}" fits ${found.people.length} people.`);
  }

  // Requester pronouns.
  const selfMentions: number[] = [];
  toks.forEach((t, i) => {
    if (isFree(t) && SELF_WORDS.has(t.norm) && !(t.norm === "i" && t.raw !== "I" && t.raw !== "i")) {
      // "I think …", "before I forget": the requester speaking, not receiving (a filler, not a beneficiary).
      const next = toks[i + 1]?.norm === "am" ? toks[i + 2]?.norm : toks[i + 1]?.norm;
      if ((t.norm === "i" || t.norm === "im") && NOT_A_REQUEST_AFTER_I.has(next ?? "")) {
        claim(toks, i, 1, "filler");
        for (let k = i + 1; k <= i + 2 && k < toks.length; k++) if (isFree(toks[k]) && (toks[k].norm === next || toks[k].norm === "am")) claim(toks, k, 1, "filler");
      }
      else {
        selfMentions.push(i);
        claim(toks, i, 1, "self");
      }
    }
  });

  // Peer attributes inside the peer phrase: titles, departments, teams, locations.
  const filter: PeerFilter = {};
  const filterWords: string[] = [];
  if (peerSpan) {
    const kinds = idx.attributes;
    for (let i = peerSpan.from; i < peerSpan.to; i++) {
      for (let n = Math.min(4, peerSpan.to - i); n >= 1; n--) {
        const span = toks.slice(i, i + n);
        if (!span.every(isFree) || span.some((t) => t.email || t.possessive)) continue;
        const stopCount = span.filter((t) => STOP.has(t.norm)).length;
        if (stopCount === n) continue;
        const phrase = compact(singularize(span.map((t) => t.norm).join(" ")));
        const hits: Array<{ key: "title" | "department" | "team" | "location"; value: string; exact: boolean; score: number }> = [];
        for (const k of kinds) {
          let best: { value: string; exact: boolean; score: number } | null = null;
          for (let vi = 0; vi < k.values.length; vi++) {
            const m = matchPrepared(phrase, k.prepared[vi]);
            if (m && (!best || m.score > best.score)) best = { value: k.values[vi], exact: m.exact, score: m.score };
          }
          if (best && (best.exact || stopCount === 0)) hits.push({ key: k.key, ...best });
        }
        if (!hits.length) continue;
        const next = toks[i + n]?.norm;
        const prev = toks[i - 1]?.norm;
        const hint = next === "team" || next === "squad" || next === "pod" ? "team"
          : next === "department" || next === "dept" || next === "org" || next === "organisation" || next === "organization" ? "department"
          : next === "office" || prev === "in" || prev === "at" || prev === "from" || prev === "based" ? "location"
          : undefined;
        const hintOrder = hint === "team" ? ["team", "location"] : hint === "location" ? ["location", "team"] : hint === "department" ? ["department", "team"] : [];
        const order = [...hintOrder, "title", "department", "team", "location"];
        hits.sort((a, b) => b.score - a.score || order.indexOf(a.key) - order.indexOf(b.key));
        const chosen = hintOrder.length ? hits.find((h) => h.key === hintOrder[0]) ?? hits.find((h) => h.key === hintOrder[1]) ?? hits[0] : hits[0];
        if (filter[chosen.key] === undefined) {
          filter[chosen.key] = chosen.value;
          filterWords.push(`${chosen.key} "${chosen.value}"`);
          if (hint === "team" && chosen.key === "location") explanation.push(`No team is called "${chosen.value}"; using the location instead.`);
          if (!chosen.exact) explanation.push(`"${textOf(text, toks, i, n)}" read as ${chosen.key} "${chosen.value}".`);
        }
        claim(toks, i, n, `peer-${chosen.key}`);
        i += n - 1;
        break;
      }
    }
  }

  // Emails and person names.
  const personMentions: PersonMention[] = [];
  const pCands1 = idx.people1;
  const pCandsN = idx.peopleN;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (!isFree(t)) continue;
    if (t.email) {
      const p = dir.people.find((q) => q.email.toLowerCase() === t.norm);
      if (!p) {
        const near = closest(t.norm, dir.people.map((q) => ({ value: q, keys: [q.email] })), 3, 0.85);
        return notUnderstood(`No one in the directory has the email ${t.raw}.`, near.map((x) => `Did you mean ${x.value.email} (${x.value.displayName})?`));
      }
      personMentions.push({ i, n: 1, people: [p], raw: t.raw, field: `person:${t.norm}`, corrected: false });
      claim(toks, i, 1, "person");
      continue;
    }
    for (let n = Math.min(3, toks.length - i); n >= 1; n--) {
      const span = toks.slice(i, i + n);
      if (!span.every(isFree) || span.some((tk) => tk.email || STOP.has(tk.norm)) || span.slice(0, -1).some((tk) => tk.possessive)) continue;
      const phrase = span.map((tk) => tk.norm).join(" ");
      // "bobs gonna need …": a name with an "s" and no apostrophe, when the word itself is no one's name.
      const exact = (n === 1 ? idx.exact1 : idx.exactN).get(compact(phrase)) ?? (n === 1 && phrase.length > 3 && phrase.endsWith("s") ? idx.exact1.get(phrase.slice(0, -1)) : undefined);
      // A real given name or nickname ("Tommy") is never a misspelling of someone else's ("Timmy").
      const ranked = exact ? exact.map((p) => ({ value: p, key: phrase, score: 1, exact: true })) : span.some((tk) => isKnownName(tk.norm)) ? [] : bestMatches(phrase, n === 1 ? pCands1 : pCandsN);
      if (!ranked.length) continue;
      const top = ranked.filter((r) => r.score === ranked[0].score);
      personMentions.push({ i, n, people: top.map((r) => r.value), raw: textOf(text, toks, i, n), field: `person:${phrase}`, corrected: !top[0].exact });
      claim(toks, i, n, "person");
      i += n - 1;
      break;
    }
  }

  personMentions.push(...relationMentions);
  personMentions.sort((a, b) => a.i - b.i);

  // "month end", "quarter close", "year-end review" name an event (a reason), not an end date nor a name.
  toks.forEach((t, k) => {
    if (isFree(t) && TIME_WORDS.test(t.norm) && isFree(toks[k + 1]) && EVENT_AFTER_TIME.test(toks[k + 1].norm)) claim(toks, k, 2, "event");
  });

  // Words nobody claimed.
  const leftovers = toks.map((t, i) => ({ t, i })).filter(({ t }) => isFree(t) && !STOP.has(t.norm) && !/^\d+$/.test(t.norm));

  // Time words the duration reader did not understand must not be dropped silently.
  // "starting Monday", "effective next week" (a date follows); "Kenji's starting on the design system" is not a date.
  const startWord = toks.findIndex((t, k) => isFree(t) && /^(starting|beginning|effective)$/.test(t.norm) &&
    toks.slice(k + 1, k + 3).some((x) => TIME_WORDS.test(x.norm) || /^(next|\d+|today|now|immediately)$/.test(x.norm)));
  if (startWord >= 0 || /\b(from|as of)\s+(mon|tues?|wed|thu|fri|sat|sun)[a-z]*\b|\bfrom\s+(tomorrow|next)\b/i.test(text))
    return notUnderstood("I can't schedule a start date yet: access starts once it is approved. Remove the start date, or file the request on that day.", ["give Priya Slack for 2 weeks"]);
  const timeLeft = toks.filter((t) => isFree(t) && TIME_WORDS.test(t.norm));
  if (timeLeft.length) {
    const at = timeLeft[0];
    const k = toks.indexOf(at);
    const phrase = text.slice(toks[Math.max(0, k - 2)].start, toks[Math.min(toks.length - 1, k + 2)].end);
    return notUnderstood(`I couldn't read the time in "${phrase.trim()}".`, ["for 2 weeks", "for 3 days", "until Friday", "until 2026-12-31", "temporarily (7 days)"]);
  }

  // Every word of a peer description must be understood: it decides whose access is copied.
  if (peerSpan) {
    const inSpan = leftovers.filter((l) => l.i >= peerSpan!.from && l.i < peerSpan!.to);
    if (inSpan.length) {
      const spanText = text.slice(toks[peerSpan.from].start, toks[peerSpan.to - 1].end).trim();
      const titles = distinct(dir.people.map((p) => p.title)).map((t) => ({ value: t, keys: [singularize(t)] }));
      const phrase = singularize(toks.slice(peerSpan.from, peerSpan.to).filter((t) => !STOP.has(t.norm)).map((t) => t.norm).join(" "));
      const near = closest(phrase, titles, 3, 0.75).map((c) => `Did you mean people with the title ${c.value}?`);
      return notUnderstood(
        `I couldn't match "${inSpan.map((l) => l.t.raw).join(" ")}" in "${spanText}" to a person, title, department, team or location.`,
        near.length ? near : ["give Sarah the same access as Bob", "give Sarah the same access as the solutions engineers on the East Coast team"],
      );
    }
  }

  // --- Action.
  const copyVerb = actions.some((a) => a.copy);
  // "access to" signals a grant only when no other verb does ("revoke Tom's access to Salesforce").
  const strong = actions.filter((a) => !/^access\s+to$/i.test(a.raw));
  const negatedGrant = actions.some((a) => a.negated);
  const acts = new Set((strong.length ? strong : actions).filter((a) => !a.negated).map((a) => a.act));
  if (negatedGrant && !acts.has("revoke") && choices.action !== "grant" && choices.action !== "revoke")
    return { kind: "ambiguous", question: "Should this access be granted or removed?", field: "action", options: [{ id: "grant", label: "Grant access" }, { id: "revoke", label: "Remove access" }] };
  // "can Bob have Zoom?", "could I have …": a modal question with "have" asks for access.
  const modal = toks.findIndex((t) => ["can", "could", "may", "would", "will"].includes(t.norm));
  if (!acts.size && modal >= 0 && toks.some((t, k) => k > modal && isFree(t) && (t.norm === "have" || t.norm === "has"))) acts.add("grant");
  let action: Act | undefined;
  if (acts.size === 2) {
    if (choices.action === "grant" || choices.action === "revoke") action = choices.action;
    else return notUnderstood("That reads as both granting and removing access. Please ask for one change at a time.", ["revoke Tom's Salesforce admin", "give Priya GitHub read-only"]);
  } else if (acts.size === 1) action = [...acts][0];
  else if (choices.action === "grant" || choices.action === "revoke") action = choices.action;

  const somethingFound = appMentions.length || personMentions.length || peerSpan || selfMentions.length || groupMention;
  if (!somethingFound) {
    if (leftovers.length) {
      const words = leftovers.map((l) => l.t.raw);
      const near = words.flatMap((w) => closest(w, appCands, 1, 0.8).map((c) => `Did you mean ${c.value.name}?`));
      return { ...notUnderstood(`I couldn't find a person or an application in "${input.trim().slice(0, 80)}".`, near.length ? distinct(near) : EXAMPLES), missingApplication: !!justification };
    }
    return { ...notUnderstood("I couldn't tell who needs what. Name a person and an application.", EXAMPLES), missingApplication: !!justification };
  }
  // No verb, but a negation ("Jake won't be needing …", "no more Slack for Bob"): grant or remove is not said.
  if (!action && toks.some((t) => isFree(t) && NEGATIONS.has(t.norm)))
    return { kind: "ambiguous", question: "Should this access be granted or removed?", field: "action", options: [{ id: "grant", label: "Grant access" }, { id: "revoke", label: "Remove access" }] };
  // No verb we know, and the sentence opens with a word we don't ("please yank Omar's Snowflake role"): it may be the verb.
  const opener = toks.findIndex((t) => !(STOP.has(t.norm) && isFree(t)) || !isFree(t));
  const unknownWord = opener >= 0 && toks[opener].tag === undefined && !TIME_WORDS.test(toks[opener].norm) ? { t: toks[opener] } : undefined;
  if (!action && unknownWord && (levelMentions.length || entMentions.length || appMentions.length))
    return { kind: "ambiguous", question: `Should this access be granted or removed? (I don't know the word "${unknownWord.t.raw}".)`, field: "action", options: [{ id: "grant", label: "Grant access" }, { id: "revoke", label: "Remove access" }] };
  if (!action && (levelMentions.length || entMentions.length || dur || peerSpan || copyVerb)) {
    action = "grant";
    explanation.push("No verb such as give or remove: read as a request for access.");
  }
  if (!action) {
    return {
      kind: "ambiguous",
      question: "Should this access be granted or removed?",
      field: "action",
      options: [
        { id: "grant", label: "Grant access" },
        { id: "revoke", label: "Remove access" },
      ],
    };
  }

  // --- People: resolve each mention (asking when a name fits several people).
  const resolved: Array<{ m: PersonMention; person: DirectoryPerson }> = [];
  for (const m of personMentions) {
    let person = m.people[0];
    if (m.people.length > 1) {
      const chosen = m.people.find((p) => p.id === choices[m.field]);
      if (!chosen)
        return {
          kind: "ambiguous",
          question: m.raw.startsWith("your ") ? `Who do you mean by "${m.raw.replace(/['’]s?$/, "")}"?` : `Which ${m.raw.replace(/['’]s?$/, "")} do you mean?`,
          field: m.field,
          options: m.people.map((p) => ({ id: p.id, label: personLabel(p) })),
        };
      person = chosen;
    }
    if (m.corrected) explanation.push(`"${m.raw}" read as ${person.displayName}.`);
    resolved.push({ m, person });
  }

  // Roles: peers vs beneficiary.
  const peerPeople: DirectoryPerson[] = [];
  const beneficiaries: DirectoryPerson[] = [];
  let selfIsPeer = false;
  // "Ana should mirror Bob" reads like "match": a person before a copy verb (and no "to/for/onto" after it) receives.
  const copyAct = actions.find((a) => a.copy && !a.match);
  const copyWithSubject = copyAct && resolved.some(({ m }) => m.i < copyAct.i) && !toks.slice(copyAct.i + 1).some((t) => ["to", "for", "onto"].includes(t.norm)) ? copyAct : undefined;
  const matchVerb = actions.find((a) => a.match) ?? copyWithSubject;
  // "match Samantha's access to Tim's": with no one before the verb, who copies whom is not said.
  if (matchVerb && !resolved.some(({ m }) => m.i < matchVerb.i) && !selfMentions.some((i) => i < matchVerb.i))
    return notUnderstood("Who should receive the access, and whose access should be copied? Say it as \"give Tim the same access as Samantha\".", ["give Tim the same access as Samantha"]);
  const isCopyTarget = (i: number) => {
    // "Raj should match my access": who comes before the verb receives.
    if (matchVerb) return i < matchVerb.i;
    for (let k = i - 1; k >= Math.max(0, i - 4); k--) {
      const w = toks[k].norm;
      if (w === "to" || w === "for" || w === "onto") return true;
      if (toks[k].tag === "person" || toks[k].tag === "app") return false;
    }
    return false;
  };
  const followedByAccess = (i: number) => ACCESS_WORDS.has(toks[i]?.norm ?? "") || (toks[i]?.tag === "app" && ACCESS_WORDS.has(toks[i + 1]?.norm ?? ""));
  for (const { m, person } of resolved) {
    const last = toks[m.i + m.n - 1];
    if (inPeerSpan(m.i)) peerPeople.push(person);
    else if (copyVerb) (isCopyTarget(m.i) ? beneficiaries : peerPeople).push(person);
    // "give Sarah Bob's access": Bob is copied; "make Raj's access look like mine": Raj's access is what changes.
    else if (action === "grant" && last.possessive && followedByAccess(m.i + m.n) && !(peerSpan && m.i < peerSpan.from)) peerPeople.push(person);
    else if (action === "grant" && toks[m.i - 1]?.norm === "from" && appMentions.length === 0) peerPeople.push(person);
    else beneficiaries.push(person);
  }
  // "give Sarah my access": "my" before "access" names the source when someone else receives it.
  const othersReceive = beneficiaries.some((p) => p.id !== opts.requesterId);
  const selfAsPeer = (i: number) =>
    inPeerSpan(i) || (copyVerb && !isCopyTarget(i)) || (action === "grant" && othersReceive && (toks[i].norm === "my" || toks[i].norm === "mine") && followedByAccess(i + 1));
  for (const i of selfMentions) if (selfAsPeer(i)) selfIsPeer = true;
  const selfBeneficiary = selfMentions.some((i) => !selfAsPeer(i));

  let beneficiary: PersonRef | undefined;
  const reports = dir.people.filter((p) => p.managerId === opts.requesterId);
  const groupInPeers = groupMention && inPeerSpan(groupMention.i);
  if (groupMention && !groupInPeers) {
    if (!reports.length) return notUnderstood("You have no direct reports in the directory, so \"my team\" matches no one.", ["name the people instead, e.g. \"give Priya Slack\""]);
    beneficiary = { kind: "group", description: "your direct reports", personIds: reports.map((p) => p.id) };
    explanation.push(`"my team" read as your ${reports.length} direct report${reports.length === 1 ? "" : "s"}: ${reports.map((p) => p.displayName).join(", ")}.`);
  }
  const uniq = (ps: DirectoryPerson[]) => [...new Map(ps.map((p) => [p.id, p])).values()];
  const bens = uniq(beneficiaries);
  if (selfBeneficiary && !bens.some((p) => p.id === opts.requesterId)) {
    if (requester) bens.unshift(requester);
  }
  if (!beneficiary) {
    if (bens.length === 1) beneficiary = { kind: "person", personId: bens[0].id, displayName: bens[0].displayName };
    else if (bens.length > 1) {
      beneficiary = { kind: "group", description: bens.map((p) => p.displayName).join(", "), personIds: bens.map((p) => p.id) };
      explanation.push(`Request is for ${bens.length} people: ${bens.map((p) => p.displayName).join(", ")}.`);
    } else if (selfBeneficiary) {
      beneficiary = { kind: "person", personId: opts.requesterId, displayName: requester?.displayName ?? "you" };
    }
  }

  // A name-like word we could not place, where a person is missing.
  if (!beneficiary) {
    const unknown = leftovers.filter((l) => !inPeerSpan(l.i) && !TIME_WORDS.test(l.t.norm));
    if (unknown.length) {
      const w = unknown[0].t.raw.replace(/['’]s?$/, "");
      const near = closest(w, pCands1, 3, 0.75).map((c) => `Did you mean ${shortPerson(c.value)}?`);
      return notUnderstood(`I couldn't find "${w}" in the directory.`, near.length ? near : ["check the spelling, or use their email address"]);
    }
    if (!requester && !opts.requesterId) return notUnderstood("I couldn't tell who the access is for.", EXAMPLES);
    // "someone on my team needs …", "she needs …": somebody else, not named — never the requester.
    // "can someone add me to …": the someone is who is asked to do it; "add me" names who receives it.
    const addMe = actions.some((a) => /\bme\b/i.test(a.raw));
    if (teamQualifier || (!addMe && toks.some((t) => isFree(t) && UNNAMED_PERSON.has(t.norm))))
      return notUnderstood("Who is this for? Name the person (or say \"me\").", ["give Priya Slack", "I need Slack"]);
    beneficiary = { kind: "person", personId: opts.requesterId, displayName: requester?.displayName ?? "you" };
    explanation.push(DEFAULTED_TO_REQUESTER);
  }
  if (beneficiary.kind === "person" && !explanation.some((e) => e.includes("read as " + beneficiary.displayName)) && beneficiary.personId !== opts.requesterId) {
    const p = dir.people.find((q) => q.id === (beneficiary as { personId: string }).personId);
    if (p) explanation.push(`For ${shortPerson(p)}.`);
  }

  // --- Reference peers.
  let referencePeers: RequestDraft["referencePeers"];
  const peersRequested = !!peerSpan || peerPeople.length > 0 || selfIsPeer || copyVerb || !!groupInPeers;
  if (peersRequested) {
    if (action === "revoke") return notUnderstood("I can copy someone's access when granting, but not when removing. Name the applications to remove.", ["revoke Tom's Salesforce admin"]);
    const ids = uniq([...peerPeople, ...(selfIsPeer && requester ? [requester] : [])]).map((p) => p.id);
    if (groupInPeers) for (const r of reports) if (!ids.includes(r.id)) ids.push(r.id);
    const benIds = beneficiary.kind === "person" ? [beneficiary.personId] : beneficiary.personIds;
    const peerIds = ids.filter((id) => !benIds.includes(id));
    if (ids.length && !peerIds.length) return notUnderstood("The person to copy access from is the same as the person receiving it.", EXAMPLES);
    if (peerIds.length) filter.personIds = peerIds;
    if (!Object.keys(filter).length) {
      const words = leftovers.filter((l) => inPeerSpan(l.i)).map((l) => l.t.raw);
      return notUnderstood(
        words.length ? `I couldn't match "${words.join(" ")}" to a person, title, department, team or location.` : "Whose access should be copied? Name a person, or a title, team or location.",
        ['give Sarah the same access as Bob', 'give Sarah the same access as the other solutions engineers on the East Coast team'],
      );
    }
    let description: string;
    if (peerSpan && peerSpan.to > peerSpan.from) {
      const a = toks[peerSpan.from].start;
      const b = toks[Math.min(peerSpan.to, toks.length) - 1].end;
      description = text.slice(a, b).trim().replace(/[.,;:!?]+$/, "");
    } else description = peerIds.map((id) => dir.people.find((p) => p.id === id)?.displayName ?? id).join(", ");
    referencePeers = { description, filter };
    const matching = peopleMatching(dir, filter, idx).filter((p) => !benIds.includes(p.id));
    const parts = [...filterWords];
    if (filter.personIds) parts.push(`people ${filter.personIds.map((id) => dir.people.find((p) => p.id === id)?.displayName ?? id).join(", ")}`);
    explanation.push(`Reference peers: ${parts.join(", ")} — ${matching.length} ${matching.length === 1 ? "person matches" : "people match"} today${benIds.length ? " (not counting the person receiving the access)" : ""}.`);
    if (!matching.length) explanation.push("No one matches that description today, so there is no access to copy yet.");
  }

  // --- Items.
  const items: DraftItem[] = [];
  const entsOf = (appId: string) => dir.entitlements.filter((e) => e.applicationId === appId);
  const levelFor = new Map<number, LevelMention>();
  for (const lm of levelMentions) {
    let best: AppMention | undefined;
    let bestD = Infinity;
    for (const am of appMentions) {
      const d = am.i < lm.i ? lm.i - (am.i + am.n - 1) : am.i - (lm.i + lm.n - 1);
      if (d < bestD || (d === bestD && am.i < lm.i)) {
        best = am;
        bestD = d;
      }
    }
    if (best) levelFor.set(best.i, lm);
    else if (!entMentions.length) {
      return { ...notUnderstood(`Which application should the ${LEVEL_WORD[lm.level]} access be for?`, dir.applications.slice(0, 5).map((a) => `${a.name} ${LEVEL_WORD[lm.level]}`)), missingApplication: !!justification };
    }
  }
  const seenApps = new Set<string>();
  for (const em of entMentions) {
    const app = appById.get(em.ent.applicationId);
    if (!app) continue;
    // A role that cannot be requested is said so now, not drafted (the owner grants it, if at all).
    if (action === "grant" && em.ent.requestable === false) {
      const open = entsOf(app.id).filter((e) => e.requestable !== false);
      return notUnderstood(`${app.name} "${em.ent.name}" cannot be requested here; ask the application owner.${open.length ? ` You can ask for ${open.map((e) => `"${e.name}"`).join(", ")}.` : ""}`, open.slice(0, 3).map((e) => `${app.name} ${e.name}`));
    }
    // "zendesk lite agent": an unknown word before a one-word role that another role's name ends with
    // ("Light agent") may name that other role: ask, rather than drop the word.
    const prev = toks[em.i - 1];
    const said = normalize(em.raw);
    if (em.n === 1 && prev && isFree(prev) && !STOP.has(prev.norm) && !TIME_WORDS.test(prev.norm)) {
      const longer = entsOf(app.id).filter((e) => e.id !== em.ent.id && normalize(e.name).endsWith(` ${said}`) && (action === "revoke" || e.requestable !== false));
      const field = `entitlement:${app.id}`;
      const chosen = [em.ent, ...longer].find((e) => e.id === choices[field]);
      if (longer.length && !chosen)
        return { kind: "ambiguous", question: `Which ${app.name} role do you mean by "${prev.raw} ${em.raw}"?`, field, options: [em.ent, ...longer].map((e) => ({ id: e.id, label: `${e.name} (${e.level}${e.privileged ? ", privileged" : ""})` })) };
      if (chosen && chosen.id !== em.ent.id) {
        em.ent = chosen;
        prev.tag = "entitlement";
      }
    }
    seenApps.add(`${app.id}:${em.ent.id}`);
    items.push({ applicationId: app.id, entitlementId: em.ent.id, level: em.ent.level, text: em.raw });
    explanation.push(`"${em.raw}" is the ${app.name} entitlement "${em.ent.name}" (${em.ent.level}${em.ent.privileged ? ", privileged" : ""}).`);
  }
  for (const am of [...appMentions].sort((a, b) => a.i - b.i)) {
    if (am.corrected) explanation.push(`"${am.raw}" read as ${am.app.name}.`);
    if ([...seenApps].some((k) => k.startsWith(am.app.id + ":"))) continue; // its entitlement was named
    const lm = levelFor.get(am.i);
    const ents = entsOf(am.app.id);
    const itemText = lm ? text.slice(Math.min(toks[am.i].start, toks[lm.i].start), Math.max(toks[am.i + am.n - 1].end, toks[lm.i + lm.n - 1].end)) : am.raw;
    const item: DraftItem = { applicationId: am.app.id, text: itemText.length > 80 ? `${am.raw} ${lm?.raw ?? ""}`.trim() : itemText };
    if (lm) {
      item.level = lm.level;
      // A grant is drafted only for what can be requested; a removal may name anything held.
      const atLevel = ents.filter((e) => e.level === lm.level && (action === "revoke" || e.requestable !== false));
      // "admin" granted as a role that is not called admin ("Salesforce admin" → "Sales Operations") is confirmed first.
      const adminByLevelOnly = action === "grant" && lm.level === "admin" && atLevel.length === 1 && !/admin|owner|super/i.test(atLevel[0].name);
      if (adminByLevelOnly && choices[`entitlement:${am.app.id}:admin`] !== atLevel[0].id) {
        return {
          kind: "ambiguous",
          question: `The only ${am.app.name} admin-level role you can request is "${atLevel[0].name}". Is that the one?`,
          field: `entitlement:${am.app.id}:admin`,
          options: [{ id: atLevel[0].id, label: `${atLevel[0].name}${atLevel[0].privileged ? " (privileged)" : ""}` }],
        };
      }
      if (atLevel.length === 1) {
        item.entitlementId = atLevel[0].id;
        explanation.push(`"${lm.raw}" on ${am.app.name} is "${atLevel[0].name}" (${lm.level}${atLevel[0].privileged ? ", privileged" : ""}).`);
      } else if (atLevel.length > 1) {
        const field = `entitlement:${am.app.id}:${lm.level}`;
        // The level word itself names one of them ("write" → "Repository write", "read-only" → "ReadOnlyAccess").
        const said = compact(normalize(lm.raw));
        // Only the role's own name counts here (not an abbreviation): "AWS admin" still asks between two admin roles.
        const ownName = (e: DirectoryEntitlement) => [e.name, e.name.replace(new RegExp(`^${am.app.name.replace(/[^\w ]/g, ".")}\\s+`, "i"), "")].map((x) => compact(normalize(x)));
        const sameName = atLevel.filter((e) => ownName(e).includes(said));
        const named = sameName.length ? sameName : lm.level === "admin" ? [] : atLevel.filter((e) => compact(normalize(e.name)).includes(said));
        const chosen = atLevel.find((e) => e.id === choices[field]) ?? (named.length === 1 ? named[0] : undefined);
        if (!chosen)
          return {
            kind: "ambiguous",
            question: `${am.app.name} has ${atLevel.length} ${LEVEL_WORD[lm.level]} entitlements. Which one?`,
            field,
            options: atLevel.map((e) => ({ id: e.id, label: `${e.name}${e.privileged ? " (privileged)" : ""}` })),
          };
        item.entitlementId = chosen.id;
      } else if (action === "grant") {
        const open = ents.filter((e) => e.requestable !== false);
        return notUnderstood(
          `${am.app.name} has no ${LEVEL_WORD[lm.level]} role that can be requested${open.length ? `; you can ask for ${open.map((e) => `"${e.name}"`).join(", ")}` : ""}.`,
          open.slice(0, 3).map((e) => `${am.app.name} ${e.name}`),
        );
      } else {
        const has = ents.map((e) => `${e.name} (${e.level})`).join(", ");
        explanation.push(`${am.app.name} has no ${LEVEL_WORD[lm.level]} entitlement${has ? `; it has ${has}` : ""}. The level is kept for the approver to settle.`);
      }
    } else if (action === "grant") {
      // Never guess a role: with several requestable ones, ask which (the least powerful first).
      const rank = { read: 0, edit: 1, admin: 2 } as const;
      const open = ents.filter((e) => e.requestable !== false).sort((a, b) => rank[a.level] - rank[b.level] || Number(a.privileged) - Number(b.privileged));
      const field = `entitlement:${am.app.id}`;
      const chosen = open.find((e) => e.id === choices[field]);
      if (chosen) {
        item.entitlementId = chosen.id;
        item.level = chosen.level;
      } else if (open.length === 1) {
        item.entitlementId = open[0].id;
        item.level = open[0].level;
        explanation.push(`${am.app.name} has one requestable entitlement, "${open[0].name}".`);
      } else if (open.length > 1) {
        return {
          kind: "ambiguous",
          question: `${am.app.name} has ${open.length} roles. Which one ${beneficiaryWord(personMentions, selfMentions.length > 0)}need?`,
          field,
          options: open.map((e) => ({ id: e.id, label: `${e.name} (${e.level}${e.privileged ? ", privileged" : ""})` })),
        };
      } else explanation.push(`${am.app.name} has no requestable entitlement; the approver will settle it.`);
    } else {
      explanation.push(`No level named: all of ${am.app.name} access is to be removed.`);
    }
    items.push(item);
  }

  // An unrecognised word listed with the applications ("Slack and Teamz") is an unknown application.
  const listed = leftovers.filter((l) => {
    if (inPeerSpan(l.i)) return false;
    // An unknown word is taken for an unknown application when it is listed with applications ("Slack and Teamz"),
    // capitalised next to one ("Slack Teamz"), or when no application was found at all; other chat words are ignored.
    if (!items.length) return true;
    const joined = (k: number, dir: 1 | -1) => ["and", "or", "plus", "&"].includes(toks[k]?.norm ?? "") && toks[k + dir]?.tag === "app";
    if (joined(l.i - 1, -1) || joined(l.i + 1, 1)) return true;
    const capital = /^\p{Lu}/u.test(l.t.raw) && l.i > 0;
    return capital && [toks[l.i - 1], toks[l.i + 1]].some((t) => t?.tag === "app" || t?.tag === "level");
  });
  if (listed.length) {
    const w = listed[0].t.raw;
    const near = closest(w, appCands, 3, 0.7).map((c) => `Did you mean ${c.value.name}?`);
    return notUnderstood(`I don't know an application called "${w}".`, near.length ? near : dir.applications.slice(0, 5).map((a) => a.name));
  }
  if (!items.length && !referencePeers) {
    return { ...notUnderstood(`Which application should be ${action === "grant" ? "granted" : "removed"}?`, dir.applications.slice(0, 5).map((a) => `${action === "grant" ? "give" : "revoke"} ${beneficiary.kind === "person" ? beneficiary.displayName.split(" ")[0] : "them"} ${a.name}`)), missingApplication: !!justification };
  }
  const ignored = leftovers.filter((l) => !listed.includes(l)).map((l) => l.t.raw);
  if (ignored.length) explanation.push(`Ignored: ${ignored.map((w) => `"${w}"`).join(", ")}.`);

  const draft: RequestDraft = { kind: "draft", action, beneficiary, items, explanation };
  if (referencePeers) draft.referencePeers = referencePeers;
  if (dur?.kind === "duration") {
    if (action === "revoke") explanation.push(`A duration makes no sense for a removal; "${dur.text}" is ignored.`);
    else {
      draft.durationDays = dur.durationDays;
      draft.until = dur.until;
    }
  }
  if (justification) draft.justification = justification;
  return draft;
}

/** People matching every attribute of the filter (case- and accent-insensitive), or listed in personIds. */
export function peopleMatching(dir: Directory, f: PeerFilter, idx: DirectoryIndex = indexOf(dir)): DirectoryPerson[] {
  const want = { title: f.title, department: f.department, team: f.team, location: f.location };
  const hasAttr = Object.values(want).some((v) => v !== undefined);
  const norm = Object.fromEntries(Object.entries(want).map(([k, v]) => [k, v === undefined ? undefined : normalize(v)])) as Record<keyof typeof want, string | undefined>;
  const ids = new Set(f.personIds ?? []);
  return dir.people.filter((p, i) => {
    if (ids.has(p.id)) return true;
    if (!hasAttr) return false;
    const a = idx.personAttrs[i];
    return (Object.keys(norm) as Array<keyof typeof want>).every((k) => norm[k] === undefined || a[k] === norm[k]);
  });
}

// ---------------------------------------------------------------------------------------------
// Directory index: every key normalised once per directory object, then reused by later calls.
// Cached by object identity (WeakMap): a caller that changes a directory passes a new object.

type AttrKind = "title" | "department" | "team" | "location";
type DirectoryIndex = {
  apps: Candidate<DirectoryApplication>[];
  people1: Candidate<DirectoryPerson>[];
  peopleN: Candidate<DirectoryPerson>[];
  exact1: Map<string, DirectoryPerson[]>;
  exactN: Map<string, DirectoryPerson[]>;
  attributes: Array<{ key: AttrKind; values: string[]; prepared: string[] }>;
  personAttrs: Array<Record<AttrKind, string>>;
  /** Every entitlement's names (entitlementKeys), normalised once. */
  entitlements: Map<string, Candidate<DirectoryEntitlement>>;
};
const INDEX = new WeakMap<Directory, DirectoryIndex>();

function indexOf(dir: Directory): DirectoryIndex {
  const hit = INDEX.get(dir);
  if (hit && hit.people1.length === dir.people.length && hit.apps.length === dir.applications.length && hit.entitlements.size === dir.entitlements.length) return hit;
  const people1 = prepare(dir.people.map((p) => ({ value: p, keys: personKeys(p, 1) })));
  const peopleN = prepare(dir.people.map((p) => ({ value: p, keys: personKeys(p, 2) })));
  const exactMap = (cands: Candidate<DirectoryPerson>[]) => {
    const m = new Map<string, DirectoryPerson[]>();
    for (const c of cands)
      for (const k of new Set(c.prepared)) {
        const list = m.get(k) ?? [];
        list.push(c.value);
        m.set(k, list);
      }
    return m;
  };
  const attr = (key: AttrKind) => {
    const values = distinct(dir.people.map((p) => p[key]));
    return { key, values, prepared: values.map((v) => compact(singularize(v))) };
  };
  const appById = new Map(dir.applications.map((a) => [a.id, a]));
  const idx: DirectoryIndex = {
    entitlements: new Map(prepare(dir.entitlements.map((e) => ({ value: e, keys: entitlementKeys(e, appById.get(e.applicationId)) }))).map((c) => [c.value.id, c])),
    apps: prepare(dir.applications.map((a) => ({ value: a, keys: appKeys(a) }))),
    people1,
    peopleN,
    exact1: exactMap(people1),
    exactN: exactMap(peopleN),
    attributes: [attr("title"), attr("department"), attr("team"), attr("location")],
    personAttrs: dir.people.map((p) => ({ title: normalize(p.title ?? ""), department: normalize(p.department ?? ""), team: normalize(p.team ?? ""), location: normalize(p.location ?? "") })),
  };
  INDEX.set(dir, idx);
  return idx;
}

// ---------------------------------------------------------------------------------------------
// Confirmation sentence

/** One plain-English sentence for the confirmation screen. */
export function describeDraft(draft: RequestDraft, dir: Directory): string {
  const person = (id: string) => dir.people.find((p) => p.id === id)?.displayName ?? id;
  const who = draft.beneficiary.kind === "person" ? draft.beneficiary.displayName : `${draft.beneficiary.description} (${draft.beneficiary.personIds.length} people)`;
  const list = (xs: string[]) => (xs.length <= 1 ? xs.join("") : `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`);
  const itemWords = draft.items.map((it) => {
    const app = dir.applications.find((a) => a.id === it.applicationId)?.name ?? it.applicationId;
    const ent = it.entitlementId ? dir.entitlements.find((e) => e.id === it.entitlementId) : undefined;
    if (ent) return `${app} "${ent.name}" (${ent.level}${ent.privileged ? ", privileged" : ""})`;
    if (it.level) return `${LEVEL_WORD[it.level]} access to ${app}`;
    return draft.action === "revoke" ? `all ${app} access` : `${app} (default access)`;
  });
  let s: string;
  if (draft.action === "revoke") s = `Remove ${list(itemWords)} from ${who}`;
  else {
    const parts: string[] = [];
    if (draft.referencePeers) {
      const f = draft.referencePeers.filter;
      const attrs = [f.title && `title ${f.title}`, f.department && `department ${f.department}`, f.team && `team ${f.team}`, f.location && `location ${f.location}`].filter(Boolean);
      const names = f.personIds?.length ? list(f.personIds.map(person)) : "";
      if (!attrs.length) parts.push(`the same access as ${names}`);
      else parts.push(`the access commonly held by ${draft.referencePeers.description} (${[...attrs, names].filter(Boolean).join(", ")})`);
    }
    if (itemWords.length) parts.push(list(itemWords));
    s = `Give ${who} ${parts.join(", plus ")}`;
  }
  if (draft.action === "grant" && draft.until) s += ` until ${draft.until} (${draft.durationDays} day${draft.durationDays === 1 ? "" : "s"})`;
  else if (draft.action === "grant") s += ", with no end date";
  return `${s}. Nothing is requested until you confirm.`;
}

// ---------------------------------------------------------------------------------------------
// The requester's people ("my new hire", "my SRE")

const RELATION_WORDS = new Set(["newbie", "newcomer", "new", "newest", "latest", "recent", "hire", "hires", "starter", "joiner", "guy", "girl", "gal", "person", "report", "direct", "boss", "manager", "intern", "contractor", "colleague", "coworker", "teammate", "buddy"]);
const NEW_WORDS = new Set(["new", "newest", "latest", "recent", "hire", "hires", "starter", "joiner", "newbie", "newcomer"]);
const RELATION_STOP = new Set(["to", "for", "a", "an", "the", "and", "with", "on", "in", "at", "from", "of", "as", "so", "because", "until", "till", "please", "me", "i", "is", "who", "that", "can", "needs", "need", "should", "get", "gets", "has", "have"]);

function beneficiaryWord(mentions: PersonMention[], self: boolean): string {
  if (mentions.length === 1 && mentions[0].people.length === 1) return `${mentions[0].people[0].displayName.split(" ")[0]} should `;
  return self || !mentions.length ? "do you " : "should they ";
}

function reportingLine(dir: Directory, managerId: string): { direct: DirectoryPerson[]; all: DirectoryPerson[] } {
  const direct = dir.people.filter((p) => p.managerId === managerId);
  const all: DirectoryPerson[] = [];
  const seen = new Set<string>([managerId]);
  let frontier = [managerId];
  for (let depth = 0; depth < 8 && frontier.length; depth++) {
    const front = new Set(frontier);
    const next = dir.people.filter((p) => p.managerId && front.has(p.managerId) && !seen.has(p.id));
    for (const p of next) seen.add(p.id);
    all.push(...next);
    frontier = next.map((p) => p.id);
  }
  return { direct, all };
}

/** Short forms of title words used in chat ("SWE", "sr", "account exec", "sales rep"). */
const TITLE_WORD_SHORT: Record<string, string[]> = {
  software: ["sw"], engineer: ["eng"], engineering: ["eng"], executive: ["exec"], representative: ["rep"], development: ["dev"], developer: ["dev"],
  manager: ["mgr"], senior: ["sr"], junior: ["jr"], specialist: ["spec"], director: ["dir"], operations: ["ops"], assistant: ["asst"],
};

/** Acronyms of a title: each word by its initial or a short form ("Software Engineer" → se, swe). At most 16. */
function titleAcronyms(tw: string[]): string[] {
  let out = [""];
  for (const w of tw) out = out.flatMap((a) => [w[0], ...(TITLE_WORD_SHORT[w] ?? [])].map((x) => a + x)).slice(0, 16);
  return out;
}

function titleFits(title: string, words: string[]): boolean {
  if (!words.length) return true;
  const tw = normalize(title).split(" ").map(singularizeWord);
  const phrase = words.map(singularizeWord);
  if (phrase.length === 1 && phrase[0].length >= 2 && phrase[0].length <= 5) {
    // "my SWE", "one of my AEs": an acronym, also in the plural.
    const acr = titleAcronyms(tw);
    if (acr.includes(phrase[0]) || (words[0].endsWith("s") && acr.includes(words[0].slice(0, -1)))) return true;
  }
  if (phrase.every((w) => tw.some((t) => t === w || TITLE_WORD_SHORT[t]?.includes(w) || (w.length >= 5 && matchPrepared(w, t) !== null)))) return true;
  return matchPrepared(compact(phrase.join(" ")), compact(tw.join(" "))) !== null;
}

/** The requester's reports fitting relation words; `unknown` when the words are no relation at all. */
function relationPeople(dir: Directory, opts: ParseOptions, words: string[], _idx: DirectoryIndex, anyone = false): { kind: "known"; people: DirectoryPerson[]; message: string } | { kind: "unknown" } {
  const said = words.join(" ");
  if (words.some((w) => w === "boss" || w === "manager") && words.length <= 2 && !words.some((w) => NEW_WORDS.has(w))) {
    const me = dir.people.find((p) => p.id === opts.requesterId);
    const boss = me?.managerId ? dir.people.filter((p) => p.id === me.managerId) : [];
    return { kind: "known", people: boss, message: `I can't file a request for your manager from here: you may request only for yourself and your reports. Ask them, or name the person.` };
  }
  if (words.some((w) => ["colleague", "coworker", "teammate", "buddy"].includes(w))) {
    return { kind: "known", people: [], message: `Who is "my ${said}"? Name the person: I don't guess which colleague you mean.` };
  }
  const { direct, all } = reportingLine(dir, opts.requesterId);
  const wantsNew = words.some((w) => NEW_WORDS.has(w));
  const titleWords = words.filter((w) => !RELATION_WORDS.has(w) && !STOP.has(w));
  const isIntern = words.includes("intern");
  const isContractor = words.includes("contractor");
  const isReport = words.includes("report") || words.includes("direct");
  if (!wantsNew && !titleWords.length && !isIntern && !isContractor && !isReport) return { kind: "unknown" };
  const today = parseIsoDay(opts.today);
  const fits = (p: DirectoryPerson) => {
    if (wantsNew) {
      const start = p.startDate ? parseIsoDay(p.startDate) : null;
      if (start === null || today === null || Math.abs(start - today) > NEW_HIRE_DAYS) return false;
    }
    if (isIntern && !/intern/i.test(p.title)) return false;
    if (isContractor && !/contract/i.test(p.title + " " + (p.department ?? ""))) return false;
    return titleFits(p.title, titleWords);
  };
  let people = direct.filter(fits);
  if (!people.length) people = all.filter(fits);
  // "the new AE", "the intern" (not "my …"): anyone the requester may see (an admin sees everyone).
  if (!people.length && anyone && (wantsNew || isIntern)) people = dir.people.filter((p) => p.id !== opts.requesterId && fits(p));
  // "my software engineer": a title said in full beats the longer titles that contain it ("Senior Software Engineer").
  const exactTitle = people.filter((p) => titleWords.length && compact(singularize(p.title)) === compact(titleWords.map(singularizeWord).join(" ")));
  if (exactTitle.length) people = exactTitle;
  if (wantsNew && people.length > 1) {
    // "my new hire": the most recent start wins when it is alone on its day.
    const sorted = [...people].sort((a, b) => (b.startDate ?? "").localeCompare(a.startDate ?? ""));
    if (sorted[0].startDate !== sorted[1].startDate && words.some((w) => w === "newest" || w === "latest")) people = [sorted[0]];
  }
  if (!titleWords.length && !wantsNew && !isIntern && !isContractor && isReport) people = direct;
  const what = wantsNew ? `a recent joiner${titleWords.length ? ` with the title "${titleWords.join(" ")}"` : ""} (started within ${NEW_HIRE_DAYS} days)` : `"${said}"`;
  return { kind: "known", people, message: `None of the people reporting to you is ${what}. Name the person instead.` };
}

function parseIsoDay(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  return m ? Math.round(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000) : null;
}

const ABBREVIATIONS: Array<[RegExp, string]> = [
  [/\borganization\b|\borganisation\b/g, "org"], [/\bproduction\b/g, "prod"], [/\brepository\b/g, "repo"], [/\badministrator\b/g, "admin"],
  [/\bdevelopment\b/g, "dev"], [/\bapplication\b/g, "app"], [/\bmanagement\b/g, "mgmt"], [/\boperations\b/g, "ops"],
];

/** Names an entitlement is called by: its name, without the application's name, without "(…)", a trailing "user"/"access", abbreviated. */
function entitlementKeys(e: DirectoryEntitlement, app: DirectoryApplication | undefined): string[] {
  const full = normalize(e.name);
  const noParen = normalize(e.name.replace(/\s*\([^)]*\)\s*/g, " "));
  const prefixes = app ? appKeys(app).map((k) => normalize(k).replace(/[^\w ]/g, "")).filter(Boolean) : [];
  const stripApp = (x: string) => (prefixes.length ? x.replace(new RegExp(`^(${prefixes.join("|")})\\s+`), "") : x);
  // "Vault: Finance" is also said "finance vault"; "Shared drive: Finance" "finance shared drive".
  const colon = /^([^:]+):\s*(.+)$/.exec(e.name.replace(/\s*\([^)]*\)\s*/g, " ").trim());
  const reversed = colon ? [normalize(`${colon[2]} ${colon[1]}`), normalize(`${colon[2].replace(/\s+(shared|team|access)$/i, "")} ${colon[1]}`)] : [];
  const base = distinct([full, noParen, stripApp(full), stripApp(noParen), ...reversed]);
  const generic = base.map((x) => x.replace(/\s+(user|users|access|role|seat|license|licence)$/, "")).filter((x) => x.length >= 3);
  const all = distinct([e.name, ...base, ...generic]);
  const abbreviated = all.map((x) => ABBREVIATIONS.reduce((acc, [re, to]) => acc.replace(re, to), normalize(x)));
  return distinct([...all, ...abbreviated]);
}

/** Where a peer description ends: before "for/to/onto <someone>" naming who receives the access. */
function peerEnd(toks: Tok[], from: number): number {
  for (let k = from + 1; k < toks.length; k++) if (["for", "to", "onto"].includes(toks[k].norm) && toks[k + 1] && !STOP.has(toks[k + 1].norm)) return k;
  return toks.length;
}
