// VCL compiler-grade checks (what `varnishd -C` rejects), in catalogue order. Each rule lives in its own file under ../vcl/.
import type { Rule } from '../rule';
import syntax from '../vcl/syntax';

export const VCL_COMPILER_RULES: readonly Rule[] = [syntax];
