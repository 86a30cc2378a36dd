// Values computed from a text, kept by that text: configurations repeat the same words, names and values
// thousands of times, so each distinct text is computed once. Bounded: emptied when full.

export class TextMemo<V> {
  private readonly values = new Map<string, V>();

  constructor(
    private readonly compute: (text: string) => V,
    private readonly max = 100_000,
  ) {}

  get(text: string): V {
    let v = this.values.get(text);
    if (v === undefined && !this.values.has(text)) {
      v = this.compute(text);
      if (this.values.size >= this.max) this.values.clear();
      this.values.set(text, v);
    }
    return v as V;
  }
}
