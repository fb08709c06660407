/**
 * Stage 3 of the parser: grant or remove, each person's role (receives, or is copied), the beneficiary, and the
 * reference peers of a copy.
 */
import { closest } from "./fuzzy";
import { distinct, notUnderstood, peopleMatching, personLabel, shortPerson } from "./directory-index";
import { isFree } from "./tokens";
import { DEFAULTED_TO_REQUESTER, type Directory, type DirectoryPerson, EXAMPLES, type Inner, type PeopleScan, type PersonMention, type PersonRef, type RequestDraft, type Resolved, type ParseOptions } from "./types";
import { ACCESS_WORDS, type Act, NEGATIONS, STOP, TIME_WORDS, UNNAMED_PERSON } from "./vocabulary";

export function resolveRequest(dir: Directory, opts: ParseOptions, s: PeopleScan): Inner | Resolved {
  const { input, choices, explanation, text, dur, justification, toks, groupMention, teamQualifier, qualifierAt, actions, peerSpan, inPeerSpan, idx, appCands, appMentions, appById, entMentions, levelMentions, requester, selfMentions, filter, filterWords, personMentions, pCands1, leftovers } = s;
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
    // "give the sales manager Salesforce": "give the …" names a receiver we could not place (the words may have been
    // read as a role) — never the requester, who would have said "me".
    // Likewise "the sales manager needs …": a subject that is not the requester.
    const givesToSomeone =
      toks.some((t, k) => (t.norm === "give" || t.norm === "grant") && toks[k + 1]?.norm === "the") ||
      (toks[0]?.norm === "the" && toks.some((t) => ["needs", "wants", "requires"].includes(t.norm)));
    if (teamQualifier || givesToSomeone || (!addMe && toks.some((t) => isFree(t) && UNNAMED_PERSON.has(t.norm))))
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

  return { action, beneficiary, referencePeers };
}
