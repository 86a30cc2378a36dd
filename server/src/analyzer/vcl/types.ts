// The types of VCL expressions, checked the way VCC checks them: every expression is evaluated against the type
// its place wants (BOOL in an `if`, the variable's type in a `set`, the parameter's type in a call), numbers take
// their type from that want, headers fold to strings, and each operator accepts only the pairs VCC's tables list.
// An expression whose parts cannot be typed here (a VMOD this file does not describe, an undefined name, a parse
// error) yields `undefined` and is never reported: the checker only speaks when it knows what VCC will say.
import type { Range, VclModel } from './model';
import type { BinaryExpr, CallExpr, Expr, NameExpr, Statement, StringExpr } from './tree';
import { regexError } from './regex';
import { unparen } from './tree';
import { forEachStatement, vclSyntax } from './checks';
import { lookupFunction, lookupVariable, type VarnishVersion, type VclSyntax, type VclType } from './data';
import { VMODS, type VmodSpec } from './data/vmods';

/** A parameter: from the built-in functions' table or a VMOD's spec. */
interface Param {
  readonly type: string;
  readonly name?: string;
  readonly default?: string;
  readonly enums?: readonly string[];
  readonly optional?: boolean;
}

interface Signature {
  readonly returns: string;
  readonly params: readonly Param[];
}

/**
 * A VCC type: a variable's type (VclType; `param.*` is not typed here), and the kinds VCC also gives expressions:
 * STRINGS (a string expression still being built), ACL, SUB, PROBE, REGEX, VOID, INSTANCE (a VMOD object).
 */
export type VType = Exclude<VclType, 'PARAM'> | 'STRINGS' | 'ACL' | 'SUB' | 'PROBE' | 'REGEX' | 'VOID' | 'INSTANCE';

export interface TypeProblem {
  file: string;
  range: Range;
  message: string;
}

/** A type error: VCC stops at the first one in an expression, and so does the checker. */
class Problem {
  constructor(readonly range: Range, readonly message: string) {}
}

const NUMERIC = new Set<VType>(['INT', 'DURATION', 'BYTES', 'REAL', 'TIME']);
/** Types that compare only with `==` and `!=`. */
const IDENTITY = new Set<VType>(['BACKEND', 'ACL', 'PROBE', 'STEVEDORE', 'SUB', 'INSTANCE', 'BOOL', 'IP']);
const RELATIONS = new Set(['==', '!=', '<', '<=', '>', '>=']);

/** `+` / `-` between non-string operands: [op, left, right] → result (VCC's vcc_adds). */
const ADDS: readonly [string, VType, VType, VType][] = [
  ['+', 'BYTES', 'BYTES', 'BYTES'],
  ['-', 'BYTES', 'BYTES', 'BYTES'],
  ['+', 'DURATION', 'DURATION', 'DURATION'],
  ['-', 'DURATION', 'DURATION', 'DURATION'],
  ['+', 'INT', 'INT', 'INT'],
  ['-', 'INT', 'INT', 'INT'],
  ['+', 'INT', 'REAL', 'REAL'],
  ['-', 'INT', 'REAL', 'REAL'],
  ['+', 'REAL', 'INT', 'REAL'],
  ['-', 'REAL', 'INT', 'REAL'],
  ['+', 'REAL', 'REAL', 'REAL'],
  ['-', 'REAL', 'REAL', 'REAL'],
  ['-', 'TIME', 'TIME', 'DURATION'],
  ['+', 'TIME', 'DURATION', 'TIME'],
  ['-', 'TIME', 'DURATION', 'TIME'],
];

/** What the right operand of `*` / `/` must be (or INT) for a left operand of a type; absent: no `*` on it. */
const MULTYPE: Partial<Record<VType, VType>> = { INT: 'INT', REAL: 'REAL', DURATION: 'REAL', BYTES: 'REAL' };

/** `set x op= v`: the type `v` must have, per variable type and operator (VCC's assignment table). */
const ASSIGN: Partial<Record<VType, Partial<Record<string, VType>>>> = {
  INT: { '+=': 'INT', '-=': 'INT', '*=': 'INT', '/=': 'INT' },
  REAL: { '+=': 'REAL', '-=': 'REAL', '*=': 'REAL', '/=': 'REAL' },
  TIME: { '+=': 'DURATION', '-=': 'DURATION', '*=': 'REAL', '/=': 'REAL' },
  DURATION: { '+=': 'DURATION', '-=': 'DURATION', '*=': 'REAL', '/=': 'REAL' },
  BYTES: { '+=': 'BYTES', '-=': 'BYTES', '*=': 'REAL', '/=': 'REAL' },
};

/** The types VCC cannot turn into a string, with its words. */
const NO_STRING: Partial<Record<VType, string>> = {
  HTTP: 'Cannot convert HTTP to STRING.',
  VOID: 'Cannot convert VOID to STRING.',
};

function isStringForm(t: VType): boolean {
  return t === 'STRING' || t === 'STRINGS' || t === 'BODY';
}

/** How VCC names a type in a message (string forms are STRING). */
function u(t: VType): string {
  return isStringForm(t) ? 'STRING' : t;
}

function toBool(t: VType): VType {
  return t === 'BACKEND' || t === 'INT' || t === 'DURATION' || t === 'STRINGS' ? 'BOOL' : t;
}

type T = VType | undefined;

export class TypeChecker {
  private readonly syntax: VclSyntax;
  private file = '';

  constructor(private readonly model: VclModel, private readonly version: VarnishVersion) {
    this.syntax = vclSyntax(model);
  }

  /** Every type error of the user's subs (one per statement part, as VCC reports the first of each). */
  check(): TypeProblem[] {
    const out: TypeProblem[] = [];
    const seen = new Set<string>();
    for (const defs of this.model.subs.values()) {
      for (const def of defs) {
        forEachStatement(this.model, def.node.body.body, def.file, (s, file) => {
          this.file = file;
          for (const p of this.statement(s)) {
            const key = `${file}:${p.range.start}:${p.range.end}`;
            if (seen.has(key)) continue;
            seen.add(key);
            out.push({ file, range: p.range, message: p.message });
          }
        });
      }
    }
    return out;
  }

  /** The type of an expression in a place that wants `want` (undefined when unknown or in error). */
  typeOf(e: Expr, want: VType, file: string): T {
    this.file = file;
    try {
      return this.expr0(e, want);
    } catch (err) {
      if (err instanceof Problem) return undefined;
      throw err;
    }
  }

  private statement(s: Statement): Problem[] {
    const out: Problem[] = [];
    const run = (f: () => void) => {
      try {
        f();
      } catch (err) {
        if (err instanceof Problem) out.push(err);
        else throw err;
      }
    };
    switch (s.type) {
      case 'if':
        for (const b of s.branches) run(() => this.expr0(b.cond, 'BOOL'));
        break;
      case 'set':
        run(() => this.set(s.target, s.op, s.value, s.start));
        break;
      case 'hash_data':
      case 'synthetic':
      case 'ban':
        run(() => this.expr0(s.arg, 'STRING'));
        break;
      case 'return': {
        const action = s.action?.text;
        const label = action === 'vcl' && s.args[0] ? unparen(s.args[0]) : undefined;
        if (label?.type === 'name') {
          const kind = this.symbolKind(label.name);
          if (kind) out.push(new Problem(label, `Symbol '${label.name}' has wrong type (${kind}), expected vcl: return (vcl(…)) takes the name of a VCL label.`));
        }
        if (action === 'synth') {
          if (s.args[0]) run(() => this.expr0(s.args[0], 'INT'));
          if (s.args[1]) run(() => this.expr0(s.args[1], 'STRING'));
        } else if (action === 'pass' && s.args[0]) run(() => this.expr0(s.args[0], 'DURATION'));
        break;
      }
      case 'expr':
        run(() => this.call(s.expr, true));
        break;
      case 'new':
        run(() => this.construct(s.value));
        break;
      case 'unknown':
        // `obj;`: an object used as a statement needs a method call.
        if (s.args.length === 0 && this.model.objects.has(s.keyword.name)) {
          out.push(new Problem({ start: s.keyword.start, end: s.keyword.end }, `Expected '.' got ';': '${s.keyword.name}' is an object; call one of its methods (\`${s.keyword.name}.<method>(…);\`).`));
        }
        break;
      default:
        break;
    }
    return out;
  }

  /** `new x = vmod.object(…)`: the value must construct an object of an imported VMOD. */
  private construct(value: Expr): void {
    const callee = value.type === 'call' && value.callee.type === 'name' ? value.callee : value.type === 'name' ? value : undefined;
    if (!callee) return;
    const dot = callee.name.indexOf('.');
    if (dot < 0) {
      const kind = this.symbolKind(callee.name);
      if (kind) throw new Problem(callee, `Symbol not found: '${callee.name}' is a ${kind}; \`new\` needs a VMOD object constructor (\`new x = directors.round_robin();\`).`);
      return;
    }
    const spec = this.vmod(callee.name.slice(0, dot));
    if (!spec) return;
    const object = callee.name.slice(dot + 1);
    if (!Object.prototype.hasOwnProperty.call(spec.objects, object)) {
      const known = Object.keys(spec.objects);
      throw new Problem(callee, `Symbol not found: '${callee.name}': ${known.length ? `the objects of this VMOD are ${known.join(', ')}` : 'this VMOD has no objects'}.`);
    }
    if (value.type === 'call') this.args(value, spec.objects[object].init.params);
  }

  private set(target: NameExpr, op: string, value: Expr, at: number): void {
    const v = lookupVariable(target.name, this.version, this.syntax);
    if (!v) return;
    let t: VType = v.type === 'HEADER' || v.type === 'BODY' ? 'STRING' : (v.type as VType);
    if (v.type === 'PARAM') return;
    if (op !== '=' && !(isStringForm(t) && op === '+=')) {
      const want = ASSIGN[t]?.[op];
      if (!want) {
        const opAt = { start: target.end, end: value.start };
        throw new Problem(opAt.end > opAt.start ? opAt : { start: at, end: target.end }, `Expected '=' got '${op}': ${target.name} is ${u(t)}, which has no '${op}'.`);
      }
      t = want;
    }
    this.expr0(value, t);
  }

  // ------------------------------------------------------------ VCC's expression levels

  private expr0(e: Expr, want: VType): T {
    let t: T;
    if (isStringForm(want)) t = this.cor(e, 'STRINGS');
    else if (want === 'REGEX') t = this.expr4(e, 'REGEX');
    else t = this.cor(e, want);
    if (t === undefined || t === want) return t;
    if (isStringForm(want)) {
      if (t !== 'STRINGS') this.stringify(t, e);
      return want;
    }
    if (want === 'BOOL') t = toBool(t);
    if (t !== want) throw new Problem(e, `Expression has type ${u(t)}, expected ${u(want)}.`);
    return t;
  }

  /** A regex literal PCRE2 would refuse. */
  private regex(pattern: string, at: Range): void {
    const err = regexError(pattern);
    if (err) throw new Problem(at, `Regexp compilation error: ${err.message} at offset ${err.offset} of "${pattern.length > 40 ? pattern.slice(0, 40) + '…' : pattern}".`);
  }

  private stringify(t: VType, e: Expr): void {
    const msg = NO_STRING[t];
    if (msg) throw new Problem(e, msg);
  }

  private cor(e: Expr, want: VType): T {
    if (e.type === 'binary' && e.op === '||') return this.logical(e, (x) => this.cor(x, want), (x) => this.cand(x, want));
    return this.cand(e, want);
  }

  private cand(e: Expr, want: VType): T {
    if (e.type === 'binary' && e.op === '&&') return this.logical(e, (x) => this.cand(x, want), (x) => this.not(x, want));
    return this.not(e, want);
  }

  private logical(e: BinaryExpr, left: (x: Expr) => T, right: (x: Expr) => T): T {
    const l = left(e.left);
    let unknown = l === undefined;
    if (l !== undefined && toBool(l) !== 'BOOL') throw new Problem(e.left, `'${e.op}' must be preceded by BOOL, found ${u(l)}.`);
    const r = right(e.right);
    if (r === undefined) unknown = true;
    else if (toBool(r) !== 'BOOL') throw new Problem(e.right, `'${e.op}' must be followed by BOOL, found ${u(r)}.`);
    return unknown ? undefined : 'BOOL';
  }

  private not(e: Expr, want: VType): T {
    if (e.type === 'unary' && e.op === '!') {
      const t = this.cmp(e.operand, want);
      if (t === undefined) return undefined;
      if (toBool(t) !== 'BOOL') throw new Problem(e, `'!' must be followed by BOOL, found ${u(t)}.`);
      return 'BOOL';
    }
    return this.cmp(e, want);
  }

  private cmp(e: Expr, want: VType): T {
    if (e.type !== 'binary' || !(RELATIONS.has(e.op) || e.op === '~' || e.op === '!~')) return this.add(e, want);
    const l = this.add(e.left, want);
    if (l === undefined) return undefined;
    const op = e.op;
    const opRange = e.opRange;
    if (l === 'STRINGS') {
      if (op === '~' || op === '!~') {
        // A regex: a string literal, or several joined with '+'.
        const parts = literalChain(e.right);
        if (parts) {
          this.regex(parts.map((p) => p.value).join(''), e.right);
          return 'BOOL';
        }
        if (unparen(e.right).type === 'binary') return undefined;
        return this.expr0(e.right, 'REGEX') === undefined ? undefined : 'BOOL';
      }
      const r = this.add(e.right, 'STRINGS');
      if (r === undefined) return undefined;
      if (r !== 'STRINGS') throw new Problem(opRange, `Comparison of different types: STRING '${op}' ${u(r)}.`);
      return 'BOOL';
    }
    if (l === 'IP' && (op === '~' || op === '!~')) return this.acl(e.right);
    if ((NUMERIC.has(l) && RELATIONS.has(op)) || (IDENTITY.has(l) && (op === '==' || op === '!='))) {
      const r = this.add(e.right, l);
      if (r === undefined) return undefined;
      if (r !== l) throw new Problem(opRange, `Comparison of different types: ${u(l)} '${op}' ${u(r)}.`);
      return 'BOOL';
    }
    throw new Problem(opRange, `Operator ${op} not possible on ${u(l)}.`);
  }

  /** The right side of `ip ~ …`: the name of an ACL. */
  private acl(e: Expr): T {
    const x = unparen(e);
    if (x.type === 'name') {
      if (this.model.acls.has(x.name)) return 'BOOL';
      const kind = this.symbolKind(x.name);
      if (kind) throw new Problem(x, `Symbol '${x.name}' has wrong type (${kind}), expected acl.`);
    }
    const t = this.add(e, 'ACL');
    if (t === undefined || t === 'ACL') return t && 'BOOL';
    throw new Problem(e, `Expression has type ${u(t)}, expected ACL.`);
  }

  private add(e: Expr, want: VType): T {
    if (e.type !== 'binary' || (e.op !== '+' && e.op !== '-')) return this.mul(e, want);
    const l = this.add(e.left, want);
    if (l === undefined) return undefined;
    const listed = ADDS.some(([op, a]) => op === e.op && a === l);
    const r = this.mul(e.right, !listed && want === 'STRINGS' ? 'STRINGS' : l);
    if (r === undefined) return undefined;
    const hit = ADDS.find(([op, a, b]) => op === e.op && a === l && b === r);
    if (hit) return hit[3];
    if (e.op === '+' && (l === 'STRINGS' || want === 'STRINGS')) {
      if (l !== 'STRINGS') this.stringify(l, e.left);
      if (r !== 'STRINGS') this.stringify(r, e.right);
      return 'STRINGS';
    }
    throw new Problem(e.opRange, `${u(l)} ${e.op} ${u(r)} not possible.`);
  }

  private mul(e: Expr, want: VType): T {
    if (e.type !== 'binary' || (e.op !== '*' && e.op !== '/' && e.op !== '%')) return this.expr4(e, want);
    const l = this.mul(e.left, want);
    if (l === undefined) return undefined;
    if (e.op === '%') {
      if (l !== 'INT') throw new Problem(e.opRange, `Operator % only possible on INT.`);
      const r = this.expr4(e.right, 'INT');
      if (r === undefined) return undefined;
      if (r !== 'INT') throw new Problem(e.opRange, `INT % ${u(r)} not possible.`);
      return 'INT';
    }
    const f2 = MULTYPE[l];
    if (!f2) throw new Problem(e.opRange, `Operator ${e.op} not possible on type ${u(l)}.`);
    const r = this.expr4(e.right, f2);
    if (r === undefined) return undefined;
    if (r !== 'INT' && r !== f2) throw new Problem(e.opRange, `${u(l)} ${e.op} ${u(r)} not possible.`);
    return l;
  }

  /** A member access on a call or parenthesised value: type methods are not modelled. */
  private expr4(e: Expr, want: VType): T {
    if (e.type === 'member') return undefined;
    return this.expr5(e, want);
  }

  private expr5(e: Expr, want: VType): T {
    switch (e.type) {
      case 'paren':
        return this.cor(e.expr, want);
      case 'bool':
        return 'BOOL';
      case 'blob':
        return 'BLOB';
      case 'string':
        if (want === 'IP') return 'IP';
        if (want === 'REGEX') {
          this.regex(e.value, e);
          return 'REGEX';
        }
        return 'STRINGS';
      case 'number': {
        if (e.raw.startsWith('-') && !['INT', 'REAL', 'DURATION', 'STRINGS'].includes(want)) {
          throw new Problem({ start: e.start, end: e.start + 1 }, `Unknown token '-' when looking for ${u(want)}.`);
        }
        if (want === 'BYTES') {
          if (!e.unit) throw new Problem(e, `Expected BYTES unit (B, KB, MB...) after ${e.raw}: a size needs its unit here.`);
          if (e.bytes === undefined) throw new Problem(e.unit, `Unknown BYTES unit '${e.unit.text}': the size units are B, KB, MB, GB, TB and PB.`);
          return 'BYTES';
        }
        if (e.unit) {
          if (e.bytes === undefined) return e.seconds !== undefined ? 'DURATION' : undefined;
          throw new Problem(e.unit, `Unknown duration unit '${e.unit.text}': a size (BYTES) is not accepted here; the duration units are 'ms', 's', 'm', 'h', 'd', 'w' and 'y'.`);
        }
        return want === 'REAL' || e.real ? 'REAL' : 'INT';
      }
      case 'unary': {
        // Unary minus (the parser folds '-' before a number into the literal).
        if (!['INT', 'REAL', 'DURATION', 'STRINGS'].includes(want)) {
          throw new Problem({ start: e.start, end: e.start + 1 }, `Unknown token '-' when looking for ${u(want)}.`);
        }
        return this.cor(e.operand, want);
      }
      case 'name':
        return this.name(e, want);
      case 'call':
        return this.call(e, false);
      default:
        return undefined;
    }
  }

  /** What kind of declared symbol a name is, as VCC words it, or undefined. */
  private symbolKind(name: string): string | undefined {
    const m = this.model;
    if (m.subs.has(name)) return 'sub';
    if (m.acls.has(name)) return 'acl';
    if (m.backends.has(name)) return 'backend';
    if (m.probes.has(name)) return 'probe';
    if (m.objects.has(name)) return 'instance';
    if (m.imports.has(name)) return 'vmod';
    return undefined;
  }

  private name(e: NameExpr, want: VType): T {
    const m = this.model;
    const name = e.name;
    const v = lookupVariable(name, this.version, this.syntax);
    if (v) {
      if (v.type === 'PARAM') return undefined;
      if (v.type === 'HEADER') return want === 'HEADER' ? 'HEADER' : 'STRINGS';
      if (v.type === 'STRING') return 'STRINGS';
      return v.type as VType;
    }
    if (m.subs.has(name)) {
      if (want === 'SUB') return 'SUB';
      throw new Problem(e, `Symbol '${name}' can only be used as a SUB expression (\`call ${name};\` runs it).`);
    }
    if (m.backends.has(name)) return 'BACKEND';
    if (m.acls.has(name)) return 'ACL';
    if (m.probes.has(name)) return want === 'STRINGS' ? 'STRINGS' : 'PROBE'; // no string form: VCC substitutes the name
    if (m.objects.has(name)) return 'INSTANCE';
    if (m.imports.has(name)) throw new Problem(e, `Symbol '${name}' type (vmod) can not be used in expression: call one of its functions (\`${name}.<function>(…)\`).`);
    if (name === 'default') {
      if (want === 'BACKEND' || want === 'PROBE') return want;
      throw new Problem(e, `Symbol 'default' is a reserved word.`);
    }
    return undefined;
  }

  /** A function or method call: its arguments against the signature, its result type. */
  private call(e: CallExpr, statement: boolean): T {
    if (e.callee.type !== 'name') return undefined;
    const name = e.callee.name;
    if (name === 'regsub' || name === 'regsuball') {
      this.args(e, [
        { type: 'STRING', optional: false },
        { type: 'REGEX', optional: false },
        { type: 'STRING', optional: false },
      ]);
      return 'STRINGS';
    }
    const fn = this.resolveFunction(e.callee);
    if (!fn) return undefined;
    if (!statement && fn.returns === 'VOID') throw new Problem(e, `Function returns VOID: ${name}() gives no value; call it as a statement.`);
    this.args(e, fn.params);
    const r = fn.returns;
    if (r === 'STRING' || r === 'STRANDS') return 'STRINGS';
    return KNOWN_TYPES.has(r) ? (r as VType) : undefined;
  }

  /** The signature of `std.log`, `rr.backend` (an object's method), `directors.shard` (a constructor) or `hash_data`. */
  private resolveFunction(callee: NameExpr): Signature | undefined {
    const name = callee.name;
    const m = this.model;
    const dot = name.indexOf('.');
    if (dot < 0) {
      if (m.subs.has(name) || m.objects.has(name)) return undefined;
      const f = lookupFunction(name, this.version);
      return f && f.module === 'builtin' && f.kind === 'function' ? f : undefined;
    }
    const head = name.slice(0, dot);
    const rest = name.slice(dot + 1);
    if (rest.includes('.')) {
      const [object] = rest.split('.');
      if (this.vmod(head)?.objects[object]) {
        throw new Problem(callee, `Syntax error: '${head}.${object}' is an object constructor, not an object; create one in vcl_init (\`new x = ${head}.${object}(…);\`) and call \`x.${rest.slice(object.length + 1)}(…)\`.`);
      }
      return undefined;
    }
    const obj = m.objects.get(head)?.[0];
    if (obj) {
      const ctor = obj.node.value.type === 'call' && obj.node.value.callee.type === 'name' ? obj.node.value.callee.name : undefined;
      const cdot = ctor ? ctor.indexOf('.') : -1;
      if (!ctor || cdot < 0) return undefined;
      return this.vmod(ctor.slice(0, cdot))?.objects[ctor.slice(cdot + 1)]?.methods[rest];
    }
    const spec = this.vmod(head);
    if (!spec) return undefined;
    if (Object.prototype.hasOwnProperty.call(spec.functions, rest)) return spec.functions[rest];
    if (Object.prototype.hasOwnProperty.call(spec.objects, rest)) {
      throw new Problem(callee, `'${name}' is an object constructor: use it only as \`new x = ${name}(…);\` in vcl_init.`);
    }
    throw new Problem(callee, `Symbol not found: '${name}': the ${imported(m, head)} VMOD has no function '${rest}'.`);
  }

  /** The bundled VMOD imported under a name (`import std;`, `import directors as d;`), for the versions described. */
  private vmod(alias: string): VmodSpec | undefined {
    if (this.version === '6.0') return undefined;
    const imp = this.model.imports.get(alias)?.[0];
    if (!imp || imp.node.from) return undefined;
    return Object.prototype.hasOwnProperty.call(VMODS, imp.node.name.text) ? VMODS[imp.node.name.text] : undefined;
  }

  /** Positional then named arguments, as VCC matches them. */
  private args(e: CallExpr, params: readonly Param[]): void {
    const filled = new Array<boolean>(params.length).fill(false);
    let i = 0;
    let named = false;
    for (const a of e.args) {
      if (a.name) {
        named = true;
        const k = params.findIndex((p) => p.name === a.name!.text);
        if (k < 0) throw new Problem(a.name, `Unknown argument '${a.name.text}'${params.some((p) => p.name) ? ` (the arguments are ${params.filter((p) => p.name).map((p) => `'${p.name}'`).join(', ')})` : ''}.`);
        if (filled[k]) throw new Problem(a.name, `Argument '${a.name.text}' already used.`);
        filled[k] = true;
        this.arg(a.value, params[k]);
        continue;
      }
      if (named) return; // a positional argument after a named one: left to the parser and varnishd
      if (i >= params.length) throw new Problem(a.value, `Too many arguments: expected ')' (${params.length === 0 ? 'no arguments' : `${params.length} at most`}).`);
      filled[i] = true;
      this.arg(a.value, params[i]);
      i++;
    }
    // At the `)`; an unclosed call has none, so the place is the (empty) end of what was written.
    const at = e.close !== undefined ? { start: e.close, end: e.close + 1 } : { start: e.end, end: e.end };
    params.forEach((p, k) => {
      if (!filled[k] && !p.optional && p.default === undefined) {
        throw new Problem(at, p.name ? `Argument '${p.name}' missing.` : `Argument ${k + 1} (${p.type}) missing.`);
      }
    });
  }

  private arg(value: Expr, p: Param): void {
    if (p.type === 'ENUM') {
      const x = unparen(value);
      if (p.enums && x.type === 'name' && !p.enums.includes(x.name)) {
        throw new Problem(x, `Wrong enum value. Expected one of: ${p.enums.join(', ')}.`);
      }
      return;
    }
    const t = p.type === 'STRANDS' ? 'STRING' : p.type;
    if (!KNOWN_TYPES.has(t)) return;
    this.expr0(value, t as VType);
  }
}

/** The string literals of `"a" + "b" + …`, or undefined when anything else is part of it. */
function literalChain(e: Expr): StringExpr[] | undefined {
  const x = unparen(e);
  if (x.type === 'string') return [x];
  if (x.type !== 'binary' || x.op !== '+') return undefined;
  const l = literalChain(x.left);
  const r = literalChain(x.right);
  return l && r ? [...l, ...r] : undefined;
}

function imported(model: VclModel, alias: string): string {
  return model.imports.get(alias)?.[0]?.node.name.text ?? alias;
}

const KNOWN_TYPES = new Set<string>([
  'STRING',
  'HEADER',
  'INT',
  'REAL',
  'BOOL',
  'DURATION',
  'TIME',
  'IP',
  'BACKEND',
  'STEVEDORE',
  'BLOB',
  'BODY',
  'HTTP',
  'BYTES',
  'ACL',
  'SUB',
  'PROBE',
  'REGEX',
  'VOID',
]);

/** Every type error VCC would report in the user's subs. */
export function typeProblems(model: VclModel, version: VarnishVersion): TypeProblem[] {
  return new TypeChecker(model, version).check();
}
