/**
 * Stage 4 of the parser: the items (a level word attaches to the nearest application; a role is never guessed
 * among several), unknown applications, and the draft.
 */
import { closest, compact, normalize } from "./fuzzy";
import { notUnderstood } from "./directory-index";
import { beneficiaryWord } from "./relations";
import { isFree } from "./tokens";
import { type AppMention, type Directory, type DirectoryEntitlement, type DraftItem, type Inner, type LevelMention, type PeopleScan, type RequestDraft, type Resolved } from "./types";
import { LEVEL_WORD, STOP, TIME_WORDS } from "./vocabulary";

export function buildDraft(dir: Directory, s: PeopleScan, r: Resolved): Inner {
  const { input, choices, explanation, text, dur, justification, toks, groupMention, teamQualifier, qualifierAt, actions, peerSpan, inPeerSpan, idx, appCands, appMentions, appById, entMentions, levelMentions, requester, selfMentions, filter, filterWords, personMentions, pCands1, leftovers } = s;
  const { action, beneficiary, referencePeers } = r;
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
    // A role named and a different level said for the same application ("Salesforce sales manager … read only"):
    // two readings; ask which rather than drop one.
    const am = appMentions.find((a) => a.app.id === app.id);
    const lm = am && levelFor.get(am.i);
    const levelField = `entitlement:${app.id}:role-or-level`;
    if (lm && lm.level !== em.ent.level && !choices[levelField]) {
      const atLevel = entsOf(app.id).filter((e) => e.level === lm.level && (action === "revoke" || e.requestable !== false));
      return {
        kind: "ambiguous",
        question: `Which ${app.name} role do you mean: "${em.ent.name}" or the ${LEVEL_WORD[lm.level]} one?`,
        field: levelField,
        options: [em.ent, ...atLevel].map((e) => ({ id: e.id, label: `${e.name} (${e.level}${e.privileged ? ", privileged" : ""})` })),
      };
    }
    const picked = choices[levelField] ? entsOf(app.id).find((e) => e.id === choices[levelField]) : undefined;
    if (picked) em.ent = picked;
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
