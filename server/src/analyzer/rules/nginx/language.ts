// Shared helpers of the language rules (not a rule): which directives are checked against the reference.
import type { NginxModel, Placed } from '../../nginx/model';
import { directiveSpec } from '../../nginx/directives';

/**
 * Directives to check against nginx's reference: not data entries of map/types/geo bodies, and not
 * inside a block of an unknown (third-party) directive, whose contents only its module knows.
 * Each directive once, even when its file is included from several places.
 */
export function* checkedPlacements(model: NginxModel): Generator<Placed> {
  const seen = new Set<object>();
  for (const p of model.all) {
    if (seen.has(p.d)) continue;
    seen.add(p.d);
    if (p.scope.context === 'data') continue;
    let unknownParent = false;
    for (let s = p.scope; s.block; s = s.parent!) {
      if (!directiveSpec(s.block.d.name.value)) {
        unknownParent = true;
        break;
      }
    }
    if (!unknownParent) yield p;
  }
}
