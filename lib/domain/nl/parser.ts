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
 * Modules: this file runs the stages and re-reads a request whose "reason" swallowed a part of it; scan-words.ts
 * (guards, duration, reason, steps 3's words: groups, verbs, peer phrase, applications, roles, levels), scan-people.ts
 * (step 3's people and the words left over), resolve.ts (step 4 and the action), items.ts (step 5 and the draft);
 * shared: types.ts, vocabulary.ts, tokens.ts, directory-index.ts, relations.ts ("my SRE").
 * Complexity: the directory index (every key normalised once, exact-name hash maps) costs
 * O(P + A + E) string work and is cached per directory object (WeakMap by identity: pass a
 * new object when the directory changes). A parse is O(T · N) n-gram lookups for T tokens
 * (T ≤ ~100 by the length guard) and n-grams up to N = 4; exact names are hash lookups, a
 * misspelt name is a linear scan of the K keys with O(L²) edit distance on the few that pass
 * the length and first-letter filters. On a synthetic 20,000-person directory: ~1 s for the
 * first call (index + warm-up), tens of ms after, ~0.4 s for a misspelt name.
 */
import { indexOf, notUnderstood, personLabel, shortPerson } from "./directory-index";
import { compact, normalizeFlat } from "./fuzzy";
import { buildDraft } from "./items";
import { resolveRequest } from "./resolve";
import { scanPeople } from "./scan-people";
import { scanWords } from "./scan-words";
import { tokenize } from "./tokens";
import { DEFAULTED_TO_REQUESTER, type Directory, type DirectoryPerson, type Inner, type ParseOptions, type ParseResult, type RequestDraft } from "./types";
import { LEVEL_WORD } from "./vocabulary";

export * from "./types";
export { peopleMatching } from "./directory-index";

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

function parseInner(input: unknown, dir: Directory, opts: ParseOptions, cutReason: boolean): Inner {
  const words = scanWords(input, dir, opts, cutReason);
  if (words.kind !== "words") return words;
  const people = scanPeople(dir, opts, words);
  if (people.kind !== "people") return people;
  const resolved = resolveRequest(dir, opts, people);
  if ("kind" in resolved) return resolved;
  return buildDraft(dir, people, resolved);
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
