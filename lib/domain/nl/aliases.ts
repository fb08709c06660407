/**
 * Other names people use in chat: built-in application aliases (by application key and by name) and
 * given-name nicknames.
 *
 * Input: an application (key, name, the aliases an admin stored) or a given name. Output: the extra keys the
 * parser matches. The built-in lists are a starting point: admins add their own per application (the
 * application page and the systems file), and those are merged with these. Aliases of two or more letters
 * only; a short alias matches exactly (the fuzzy budget of fuzzy.ts gives ≤ 4 letters no edits).
 */

/** Keyed by the application's key (as in the demo catalog and common connector keys) or its lower-case name. */
export const BUILT_IN_APP_ALIASES: Record<string, string[]> = {
  "google-workspace": ["gws", "gsuite", "g suite", "google", "gmail", "google drive", "gdrive", "google docs", "gdocs", "google mail"],
  slack: ["slak"],
  zoom: ["zoom meetings"],
  okta: ["sso"],
  "1password": ["1pw", "1p", "one password", "onepassword", "1 password", "1pass"],
  github: ["gh", "git hub"],
  jira: ["jira software", "atlassian jira"],
  confluence: ["wiki", "the wiki", "conf", "atlassian wiki"],
  aws: ["amazon web services", "aws console", "amazon", "the aws console"],
  datadog: ["dd", "data dog"],
  pagerduty: ["pd", "pager duty", "pager", "on call", "on-call"],
  sentry: ["sentry io"],
  linear: ["linear app"],
  vercel: ["vercel app"],
  launchdarkly: ["ld", "launch darkly", "feature flags", "flags"],
  "postgres-prod": ["prod db", "production db", "prod database", "production database", "postgres", "postgresql", "psql", "pg", "prod postgres"],
  snowflake: ["sf warehouse", "snow flake", "the warehouse", "data warehouse", "dwh"],
  tableau: ["tab", "dashboards"],
  salesforce: ["sfdc", "sales force", "crm", "sfdc crm"],
  hubspot: ["hs", "hub spot"],
  gong: ["gong io"],
  zendesk: ["zd", "zen desk"],
  intercom: ["ic"],
  netsuite: ["ns", "net suite", "erp"],
  stripe: ["stripe dashboard"],
  quickbooks: ["qb", "qbo", "quick books"],
  expensify: ["expenses", "expense tool"],
  carta: ["cap table"],
  workday: ["wd", "work day", "hris"],
  bamboohr: ["bamboo", "bamboo hr"],
  greenhouse: ["ats"],
  lattice: ["perf tool"],
  docusign: ["docu sign", "ds"],
  figma: ["figjam"],
  miro: ["whiteboard"],
  notion: ["notion wiki"],
  asana: ["asana tasks"],
  box: ["box drive"],
  dropbox: ["drop box", "dbx"],
  loom: ["loom video"],
};

/** Built-in and stored aliases of one application, lower-case and without duplicates. */
export function aliasesFor(app: { key: string; name: string; aliases?: string[] | null }): string[] {
  const out = new Set<string>();
  for (const a of [...(BUILT_IN_APP_ALIASES[app.key] ?? []), ...(BUILT_IN_APP_ALIASES[app.name.toLowerCase()] ?? []), ...(app.aliases ?? [])]) {
    const t = a.trim().toLowerCase();
    if (t.length >= 2) out.add(t);
  }
  return [...out];
}

/** Clean aliases typed by an admin: trimmed, lower-case, 2-40 letters, no duplicates, at most 30. */
export function cleanAliases(xs: string[]): string[] {
  const out = new Set<string>();
  for (const x of xs) {
    const t = x.trim().replace(/\s+/g, " ").toLowerCase();
    if (t.length >= 2 && t.length <= 40) out.add(t);
  }
  return [...out].slice(0, 30);
}

/** Given name → nicknames (and the reverse, built below). */
const NICKNAMES: Record<string, string[]> = {
  robert: ["bob", "rob", "bobby", "robbie"], william: ["bill", "will", "billy", "liam"], elizabeth: ["liz", "beth", "lizzie", "lizzy", "eliza", "betty"],
  michael: ["mike", "mikey", "mick"], alexander: ["alex", "xander"], alexandra: ["alex", "sasha", "lexi"], katherine: ["kate", "katie", "kat", "kathy"],
  catherine: ["cat", "cathy", "kate"], james: ["jim", "jimmy", "jamie"], thomas: ["tom", "tommy"], david: ["dave", "davey"],
  christopher: ["chris"], christina: ["chris", "tina"], matthew: ["matt"], daniel: ["dan", "danny"], samuel: ["sam", "sammy"], samantha: ["sam", "sammy", "sammie", "sami"],
  nicholas: ["nick", "nicky"], steven: ["steve"], stephen: ["steve"], jennifer: ["jen", "jenny", "jenn"], andrew: ["andy", "drew"],
  anthony: ["tony"], joseph: ["joe", "joey"], benjamin: ["ben", "benny"], patricia: ["pat", "patty", "trish"], patrick: ["pat", "paddy"],
  margaret: ["maggie", "meg", "peggy"], victoria: ["vicky", "tori"], abigail: ["abby"], edward: ["ed", "eddie", "ted"], jonathan: ["jon", "jonny"],
  joshua: ["josh"], zachary: ["zach", "zack"], nathan: ["nate"], nathaniel: ["nate", "nat"], susan: ["sue", "susie"], rebecca: ["becky", "becca"],
  richard: ["rich", "rick", "ricky"], charles: ["charlie", "chuck"], timothy: ["tim", "timmy"], kenneth: ["ken", "kenny"], gregory: ["greg"],
  jessica: ["jess", "jessie"], deborah: ["deb", "debbie"], jacqueline: ["jackie"], frederick: ["fred", "freddie"], raymond: ["ray"],
  gabriel: ["gabe"], gabriela: ["gabi", "gaby"], mohammed: ["mo"], muhammad: ["mo"], oluwaseun: ["seun"], oluwadamilare: ["dami"],
  francesca: ["fran", "frankie"], francisco: ["paco", "frank"], giuseppe: ["beppe", "joe"], alejandro: ["alex", "ale"], guillermo: ["memo", "will"],
  kimberly: ["kim"], ashley: ["ash"], amanda: ["mandy"], melissa: ["mel", "missy"], stephanie: ["steph"], nicole: ["nikki"], olivia: ["liv"],
  isabella: ["bella", "izzy"], isabel: ["izzy", "bel"], sophia: ["sophie"], emily: ["em", "emmy"], madeline: ["maddie"], natalie: ["nat"],
  eleanor: ["ellie", "nora"], theodore: ["theo", "ted"], sebastian: ["seb", "bastian"], dominic: ["dom"], vincent: ["vince"],
  jacob: ["jake", "jay", "jakey"], rajesh: ["raj"], leonardo: ["leo"], lawrence: ["larry"], jeffrey: ["jeff"], geoffrey: ["geoff"], douglas: ["doug"], ronald: ["ron"], donald: ["don"], harold: ["harry"], henry: ["hank", "harry"],
};
const NICK_INDEX = new Map<string, string[]>();
for (const [full, nicks] of Object.entries(NICKNAMES)) NICK_INDEX.set(full, nicks);

const KNOWN_NAMES = new Set(Object.entries(NICKNAMES).flatMap(([full, nicks]) => [full, ...nicks]));

/** A given name or nickname of its own ("Tommy", "Jon"): never a misspelling of someone else's name. */
export function isKnownName(word: string): boolean {
  return KNOWN_NAMES.has(word.trim().toLowerCase());
}

/** Nicknames of a given name ("Robert" → bob, rob, …). */
export function nicknamesOf(givenName: string): string[] {
  return NICK_INDEX.get(givenName.trim().toLowerCase()) ?? [];
}
