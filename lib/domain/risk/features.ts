/**
 * Categorical feature machinery for the risk model: per-column vocabularies, detection of redundant
 * columns, and "group tables" (one per single column, column pair or triple) holding for every observed
 * combination of category values its request count n and approval count pos.
 *
 * Inputs: rows of category strings (row-major, in the model's feature-column order) and 0/1 labels.
 * Outputs: Int32Array codes (row x column, -1 = value never seen in training), group tables, and for each
 * row the entry id of its combination in each group (-1 = combination never seen).
 * Complexity: O(n * G) hash-map operations for n rows and G groups; memory O(sum of distinct combinations).
 *
 * Combination keys are mixed-radix integers over the column codes (exact, no hashing collisions) so the
 * same tables serve the logistic part (one weight per entry) and the target statistics of the boosted
 * trees (n, pos per entry) and the plain-words explanations ("denied in 3 of 40 past requests").
 */

/**
 * Open-addressing hash map from non-negative integer keys (< 2^53, e.g. mixed-radix combination keys) to
 * entry ids, in two typed arrays (no per-entry objects, no boxing of keys above 2^31). Linear probing,
 * load factor <= 1/2. get() returns -1 for an absent key.
 */
export class KeyIndex {
  private tab: Float64Array; // slot s: key at 2s (-1 = empty), entry id at 2s + 1 (one cache line per probe)
  private mask: number;
  size = 0;

  constructor(expected = 16) {
    let cap = 16;
    while (cap < 2 * expected) cap *= 2;
    this.tab = new Float64Array(2 * cap).fill(-1);
    this.mask = cap - 1;
  }

  static from(keys: ArrayLike<number>): KeyIndex {
    const ix = new KeyIndex(keys.length);
    for (let e = 0; e < keys.length; e++) ix.getOrSet(keys[e], e);
    return ix;
  }

  private slot(key: number): number {
    const lo = key >>> 0;
    const hi = (key / 4294967296) >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1);
    h ^= h >>> 15;
    return h & this.mask;
  }

  get(key: number): number {
    const tab = this.tab;
    const mask = this.mask;
    let s = this.slot(key);
    for (;;) {
      const k = tab[2 * s];
      if (k === key) return tab[2 * s + 1];
      if (k < 0) return -1;
      s = (s + 1) & mask;
    }
  }

  /** Entry of key; when absent, inserts it with `value` and returns `value`. */
  getOrSet(key: number, value: number): number {
    if (2 * (this.size + 1) > this.mask + 1) this.grow();
    const tab = this.tab;
    const mask = this.mask;
    let s = this.slot(key);
    for (;;) {
      const k = tab[2 * s];
      if (k === key) return tab[2 * s + 1];
      if (k < 0) {
        tab[2 * s] = key;
        tab[2 * s + 1] = value;
        this.size++;
        return value;
      }
      s = (s + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.tab;
    this.tab = new Float64Array(2 * old.length).fill(-1);
    this.mask = old.length - 1;
    this.size = 0;
    for (let s = 0; s < old.length; s += 2) if (old[s] >= 0) this.getOrSet(old[s], old[s + 1]);
  }
}

export type GroupTable = {
  cols: number[];
  radix: number[];
  index: KeyIndex; // combination key -> entry id
  keys: number[]; // entry id -> key
  n: Int32Array; // entry id -> rows seen
  pos: Int32Array; // entry id -> rows with label 1
};

export function buildVocab(rows: string[][], nCols: number): string[][] {
  const levels: string[][] = [];
  for (let c = 0; c < nCols; c++) {
    const seen = new Set<string>();
    for (const r of rows) seen.add(r[c] ?? "");
    levels.push([...seen]);
  }
  return levels;
}

export function vocabMaps(levels: string[][]): Map<string, number>[] {
  return levels.map((lv) => new Map(lv.map((v, i) => [v, i])));
}

/** Row-major codes; a value missing from the vocabulary gets -1. */
export function encodeRows(rows: string[][], maps: Map<string, number>[]): Int32Array {
  const C = maps.length;
  const out = new Int32Array(rows.length * C);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    for (let c = 0; c < C; c++) {
      const v = r[c];
      const code = v === undefined ? undefined : maps[c].get(v);
      out[i * C + c] = code === undefined ? -1 : code;
    }
  }
  return out;
}

/**
 * Columns that carry no information beyond an earlier column (a one-to-one relabelling of it, like
 * ROLE_CODE vs ROLE_TITLE in the Amazon data). Returns, per column, the index of the earlier column it
 * duplicates or -1.
 */
export function findDuplicateColumns(codes: Int32Array, n: number, C: number): number[] {
  const dup = new Array<number>(C).fill(-1);
  for (let b = 1; b < C; b++) {
    for (let a = 0; a < b && dup[b] < 0; a++) {
      if (dup[a] >= 0) continue;
      const ab = new Map<number, number>();
      const ba = new Map<number, number>();
      let ok = true;
      for (let i = 0; i < n && ok; i++) {
        const x = codes[i * C + a];
        const y = codes[i * C + b];
        const py = ab.get(x);
        const px = ba.get(y);
        if (py === undefined) ab.set(x, y);
        else if (py !== y) ok = false;
        if (px === undefined) ba.set(y, x);
        else if (px !== x) ok = false;
      }
      if (ok) dup[b] = a;
    }
  }
  return dup;
}

/** All subsets of `cols` of size 1..maxOrder, singles first, then pairs, then triples (lexicographic). */
export function enumerateGroups(cols: number[], maxOrder: number): number[][] {
  const out: number[][] = [];
  const rec = (start: number, acc: number[], size: number) => {
    if (acc.length === size) {
      out.push([...acc]);
      return;
    }
    for (let i = start; i < cols.length; i++) {
      acc.push(cols[i]);
      rec(i + 1, acc, size);
      acc.pop();
    }
  };
  for (let s = 1; s <= Math.min(maxOrder, cols.length); s++) rec(0, [], s);
  return out;
}

function keyOf(codes: Int32Array, base: number, cols: number[], radix: number[]): number {
  let key = 0;
  for (let j = 0; j < cols.length; j++) {
    const v = codes[base + cols[j]];
    if (v < 0) return -1;
    key = key * radix[j] + v;
  }
  return key;
}

/** Build tables from training rows; also returns the entry of every training row in every group (n x G). */
export function buildGroupTables(
  codes: Int32Array,
  n: number,
  C: number,
  groups: number[][],
  sizes: number[],
  labels: ArrayLike<number>,
): { tables: GroupTable[]; entries: Int32Array } {
  const G = groups.length;
  const entries = new Int32Array(n * G);
  const tables: GroupTable[] = [];
  for (let g = 0; g < G; g++) {
    const cols = groups[g];
    const radix = cols.map((c) => sizes[c]);
    const index = new KeyIndex(Math.min(n, 1024));
    const keys: number[] = [];
    const nArr = new Int32Array(n);
    const posArr = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const key = keyOf(codes, i * C, cols, radix);
      const e = index.getOrSet(key, keys.length);
      if (e === keys.length) keys.push(key);
      nArr[e]++;
      posArr[e] += labels[i] === 1 ? 1 : 0;
      entries[i * G + g] = e;
    }
    const E = keys.length;
    tables.push({ cols, radix, index, keys, n: nArr.slice(0, E), pos: posArr.slice(0, E) });
  }
  return { tables, entries };
}

/** Entry ids of new rows (codes from encodeRows) in existing tables; -1 where unseen. */
export function lookupEntries(codes: Int32Array, n: number, C: number, tables: GroupTable[]): Int32Array {
  const G = tables.length;
  const entries = new Int32Array(n * G);
  for (let g = 0; g < G; g++) {
    const t = tables[g];
    for (let i = 0; i < n; i++) {
      const key = keyOf(codes, i * C, t.cols, t.radix);
      entries[i * G + g] = key < 0 ? -1 : t.index.get(key);
    }
  }
  return entries;
}

/**
 * Out-of-fold statistics for training rows: for row i in fold f and group g, the count and approvals of
 * its combination among rows of the other folds (so a row's own label never leaks into its features).
 */
export function outOfFoldStats(
  entries: Int32Array,
  n: number,
  tables: GroupTable[],
  labels: ArrayLike<number>,
  fold: Int32Array,
  K: number,
): { cnt: Int32Array; pos: Int32Array } {
  const G = tables.length;
  const cnt = new Int32Array(n * G);
  const pos = new Int32Array(n * G);
  for (let g = 0; g < G; g++) {
    const E = tables[g].keys.length;
    const fn = new Int32Array(K * E);
    const fp = new Int32Array(K * E);
    for (let i = 0; i < n; i++) {
      const e = entries[i * G + g];
      fn[fold[i] * E + e]++;
      if (labels[i] === 1) fp[fold[i] * E + e]++;
    }
    const tn = tables[g].n;
    const tp = tables[g].pos;
    for (let i = 0; i < n; i++) {
      const e = entries[i * G + g];
      const k = fold[i] * E + e;
      cnt[i * G + g] = tn[e] - fn[k];
      pos[i * G + g] = tp[e] - fp[k];
    }
  }
  return { cnt, pos };
}

/**
 * Ordered target statistics (CatBoost's "ordered TS", Prokhorenkova et al. 2018) for training rows: rows are put
 * in a seeded random order, and row i's count and approvals for its combination in group g come only from rows
 * before it in that order (so never from its own label). `others` is the label-free count of the combination among
 * all other training rows (n - 1), which is what a new request sees as its count.
 */
export function orderedStats(
  entries: Int32Array,
  n: number,
  tables: GroupTable[],
  labels: ArrayLike<number>,
  order: ArrayLike<number>,
): { cnt: Int32Array; pos: Int32Array; others: Int32Array } {
  const G = tables.length;
  const cnt = new Int32Array(n * G);
  const pos = new Int32Array(n * G);
  const others = new Int32Array(n * G);
  for (let g = 0; g < G; g++) {
    const E = tables[g].keys.length;
    const rn = new Int32Array(E);
    const rp = new Int32Array(E);
    const tn = tables[g].n;
    for (let t = 0; t < n; t++) {
      const i = order[t];
      const e = entries[i * G + g];
      cnt[i * G + g] = rn[e];
      pos[i * G + g] = rp[e];
      others[i * G + g] = tn[e] - 1;
      rn[e]++;
      if (labels[i] === 1) rp[e]++;
    }
  }
  return { cnt, pos, others };
}
