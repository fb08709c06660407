/**
 * The parser's closed vocabulary: hostile patterns refused before parsing, verbs of granting and removing, level
 * words, time words, pronouns, negations and the common words that never name a person or an application.
 */
import type { Level } from "./types";


export const HOSTILE: Array<{ re: RegExp; message: string }> = [
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

export type Act = "grant" | "revoke";
export const ACTION_PHRASES: Array<[string, Act, ("copy" | "match")?]> = [
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

export const LEVEL_PHRASES: Array<[string, Level]> = [
  ["read only", "read"], ["readonly", "read"], ["read access", "read"], ["view only", "read"], ["viewer", "read"], ["viewers", "read"],
  ["reader", "read"], ["read", "read"], ["view", "read"], ["ro", "read"],
  ["read write", "edit"], ["editor", "edit"], ["editors", "edit"], ["edit", "edit"], ["write", "edit"], ["writer", "edit"],
  ["contributor", "edit"], ["rw", "edit"], ["read and write", "edit"], ["write access", "edit"], ["edit access", "edit"], ["editing", "edit"],
  ["view access", "read"], ["read rights", "read"], ["look only", "read"], ["look at", "read"],
  ["administrator", "admin"], ["admin", "admin"], ["admins", "admin"], ["owner", "admin"], ["superuser", "admin"], ["super user", "admin"],
];
export const LEVEL_WORD: Record<Level, string> = { read: "read-only", edit: "editor", admin: "admin" };

export const TIME_WORDS = /^(days?|weeks?|wks?|months?|mos?|years?|yrs?|fortnights?|quarters?|tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday|until|till|til|thru|through|eod|eow|eom|midnight|noon|jan(uary)?|feb(ruary)?|march|april|june|july|aug(ust)?|sept?(ember)?|oct(ober)?|nov(ember)?|dec(ember)?|\d{4}|\d{1,2}(st|nd|rd|th))$/;
/** Someone other than the requester, not named: a draft must not fall back to the requester. */
export const UNNAMED_PERSON = new Set(["someone", "somebody", "anyone", "anybody", "he", "she", "they", "him", "her", "them", "hes", "shes", "theyre", "colleague", "coworker", "teammate", "person", "guy", "girl"]);
export const EVENT_AFTER_TIME = /^(end|close|closing|review|planning|report|reporting|kickoff)$/;
export const SELF_WORDS = new Set(["me", "myself", "i", "my", "mine", "im"]);
export const NEGATIONS = new Set(["not", "no", "never", "dont", "doesnt", "didnt", "wont", "cant", "cannot", "shouldnt", "mustnt", "isnt", "arent", "wasnt", "neednt", "wouldnt", "couldnt"]);
/** "I think Raj needs …", "before I forget, …": "I" followed by these is not asking for itself. */
export const NOT_A_REQUEST_AFTER_I = new Set(["think", "guess", "believe", "hope", "forget", "forgot", "noticed", "saw", "heard", "mean", "meant", "realised", "realized", "know", "suppose", "assume", "understand", "reckon", "wonder", "manage", "approve", "told", "said",
  "asking", "requesting", "writing", "wondering", "hoping", "trying", "reaching", "following", "checking", "filing", "raising", "submitting", "sending"]);
export const ACCESS_WORDS = new Set(["access", "permissions", "permission", "apps", "applications", "entitlements", "rights", "roles", "setup", "accounts", "groups"]);

export const STOP = new Set(
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
