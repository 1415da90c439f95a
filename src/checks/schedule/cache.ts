// A small least-recently-used map. Every instance registers itself so that
// benchmarks can measure cold behaviour with clearParseCaches().

const all = new Set<Lru<unknown>>();

export class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number) {
    all.add(this as Lru<unknown>);
  }

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      // Refresh recency: Map iteration order is insertion order.
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, value);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}

/** Empty every parse cache (benchmarks). */
export function clearParseCaches(): void {
  for (const c of all) c.clear();
}
