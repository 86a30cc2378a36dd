// VCL compiler-grade checks (what `varnishd -C` rejects), in catalogue order. Each rule lives in its own file under ../vcl/.
import type { Rule } from '../rule';
import syntax from '../vcl/syntax';
import missingVersion from '../vcl/missing-version';
import invalidReturn from '../vcl/invalid-return';
import variableNotInScope from '../vcl/variable-not-in-scope';
import removedSyntax from '../vcl/removed-syntax';
import undefinedReference from '../vcl/undefined-reference';
import unusedDeclaration from '../vcl/unused-declaration';
import invalidValue from '../vcl/invalid-value';
import typeError from '../vcl/type-error';

export const VCL_COMPILER_RULES: readonly Rule[] = [syntax, missingVersion, invalidReturn, variableNotInScope, removedSyntax, undefinedReference, unusedDeclaration, invalidValue, typeError];
