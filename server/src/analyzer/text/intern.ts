// One string object per distinct text, the same one the engine uses for identical literals in the code,
// so lookups of directive names in maps and objects compare pointers instead of characters.

const table = new Map<string, string>();
const MAX = 50_000;

/** The canonical (engine-internalized) copy of `s`. */
export function intern(s: string): string {
  let v = table.get(s);
  if (v === undefined) {
    // Property keys are internalized by the engine: read the key back to get that copy.
    v = Object.keys({ [s]: 0 })[0] ?? s;
    if (table.size < MAX) table.set(s, v);
  }
  return v;
}
