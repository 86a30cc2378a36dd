// One string object per distinct text, the same one the engine uses for identical literals in the code,
// so lookups of directive names in maps and objects compare pointers instead of characters.
import { TextMemo } from './memo';

// Property keys are internalized by the engine: read the key back to get that copy.
const canonical = new TextMemo<string>((s) => Object.keys({ [s]: 0 })[0] ?? s, 50_000);

/** The canonical (engine-internalized) copy of `s`. */
export function intern(s: string): string {
  return canonical.get(s);
}
