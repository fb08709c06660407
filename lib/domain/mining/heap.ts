/**
 * Binary max-heap keyed by a float priority, for the lazy greedy (pop the candidate with the
 * largest gain; recompute it; push it back if it is no longer the best). push/pop O(log n).
 */
export class MaxHeap<T> {
  private keys: number[] = [];
  private vals: T[] = [];
  get size(): number {
    return this.keys.length;
  }
  clear(): void {
    this.keys.length = 0;
    this.vals.length = 0;
  }
  topKey(): number {
    return this.keys.length ? this.keys[0] : -Infinity;
  }
  push(k: number, v: T): void {
    const keys = this.keys;
    const vals = this.vals;
    let i = keys.length;
    keys.push(k);
    vals.push(v);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p] >= k) break;
      keys[i] = keys[p];
      vals[i] = vals[p];
      i = p;
    }
    keys[i] = k;
    vals[i] = v;
  }
  /** The value with the largest key; callers check `size` first. */
  pop(): T {
    const keys = this.keys;
    const vals = this.vals;
    const top = vals[0];
    const k = keys.pop()!;
    const v = vals.pop()!;
    const n = keys.length;
    if (n) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && keys[r] > keys[l] ? r : l;
        if (keys[c] <= k) break;
        keys[i] = keys[c];
        vals[i] = vals[c];
        i = c;
      }
      keys[i] = k;
      vals[i] = v;
    }
    return top;
  }
}
