/**
 * Stage 2 of the parser: people — the requester's relations ("my SRE"), "me", peer attributes inside the peer
 * phrase, emails and names — then the words nobody claimed (time words left over are refused, not dropped).
 */
import { isKnownName } from "./aliases";
import { bestMatches, closest, compact, matchPrepared, normalize, singularize, singularizeWord } from "./fuzzy";
import { distinct, indexOf, notUnderstood, shortPerson } from "./directory-index";
import { RELATION_STOP, RELATION_WORDS, relationPeople, titleAcronyms, titleFits } from "./relations";
import { claim, isFree, textOf, type Tok } from "./tokens";
import { type Directory, type DirectoryPerson, type Inner, type PeerFilter, type PeopleScan, type PersonMention, type WordScan, type ParseOptions } from "./types";
import { ACCESS_WORDS, EVENT_AFTER_TIME, NOT_A_REQUEST_AFTER_I, SELF_WORDS, STOP, TIME_WORDS } from "./vocabulary";

export function scanPeople(dir: Directory, opts: ParseOptions, w: WordScan): Inner | PeopleScan {
  const { input, choices, explanation, text, dur, justification, toks, groupMention, teamQualifier, qualifierAt, actions, peerSpan, inPeerSpan, idx, appCands, appMentions, appById, entMentions, levelMentions } = w;
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
    if (theTitle) {
      // "the SDR", "the QA engineer": the whole title or its acronym, nothing else ("the data team" is a group, not
      // the Data Engineer; "the finance vault" no one's title).
      const said = meaningful.map((t) => singularizeWord(t.norm));
      const whole = (p: DirectoryPerson) => compact(singularize(p.title)) === compact(said.join(" ")) || (said.length === 1 && titleAcronyms(normalize(p.title).split(" ").map(singularizeWord)).includes(said[0].replace(/s$/, "")));
      const next = toks[i + words.length + 1]?.norm ?? "";
      if (!found.people.length || !found.people.every(whole) || /^(team|teams|squad|crew|group|folks|people|guys|department|dept|org)$/.test(next)) continue;
    }
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

  return { ...w, kind: "people", requester, selfMentions, filter, filterWords, personMentions, pCands1, leftovers };
}
