// Ground truth for the VCL knowledge tables: compiles small probe VCLs with the installed varnishd
// (`varnishd -C -n <tmpdir> -f probe.vcl`, exit 0 = accepted, exit 2 + a VCC message = rejected).
// Used by generate.ts (the full matrix) and varnishd.test.ts (a random sample, checked live).
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type Op = 'read' | 'write' | 'unset';

/** `varnishd -V` first line, or undefined when varnishd is not installed. */
export function varnishdVersion(): string | undefined {
  const r = spawnSync('varnishd', ['-V'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return (r.stdout + r.stderr).split('\n').find((l) => l.startsWith('varnishd'))?.trim();
}

export interface CompileResult {
  ok: boolean;
  /** The VCC message lines (noise about temporary files dropped); empty when ok. */
  message: string;
}

const NOISE = /^(Could not delete|Running VCC-compiler failed|VCL compilation failed|Message from VCC-compiler:|Failed to create)/;

/** Compiles one VCL text with `varnishd -C`; resolves with accept/reject and the compiler's message. */
export function compile(vcl: string): Promise<CompileResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vclprobe-'));
  fs.chmodSync(dir, 0o777);
  const file = path.join(dir, 'probe.vcl');
  fs.writeFileSync(file, vcl);
  fs.chmodSync(file, 0o644);
  const work = path.join(dir, 'n');
  fs.mkdirSync(work);
  fs.chmodSync(work, 0o777);
  return new Promise((resolve, reject) => {
    const child = spawn('varnishd', ['-C', '-n', work, '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      fs.rmSync(dir, { recursive: true, force: true });
      const message = err
        .split('\n')
        .filter((l) => l.trim() && !NOISE.test(l))
        .join('\n');
      resolve({ ok: code === 0, message: code === 0 ? '' : message });
    });
  });
}


/** A concrete name for a pattern entry: `req.http.*` → `req.http.X-Probe`, `storage.<name>.x` → `storage.Transient.x`. */
export function concreteName(name: string): string {
  return name.replace(/\.\*$/, '.X-Probe').replace('<name>', 'Transient');
}

/** A type-correct expression statement that reads `v` of VCL type `type` (only the access can fail). */
export function readStatement(v: string, type: string): { stmt: string; decl?: string } {
  switch (type) {
    case 'BOOL':
      return { stmt: `if (${v}) {}` };
    case 'INT':
      return { stmt: `if (${v} == 1) {}` };
    case 'DURATION':
      return { stmt: `if (${v} > 0s) {}` };
    case 'TIME':
      return { stmt: `if (${v} > now) {}` };
    case 'BYTES':
      return { stmt: `if (${v} > 1KB) {}` };
    case 'IP':
      return { stmt: `if (${v} ~ probeacl) {}`, decl: 'acl probeacl { "127.0.0.1"; }' };
    case 'BACKEND':
      return { stmt: `if (${v} == default) {}` };
    case 'STEVEDORE':
      return { stmt: `if (${v} == storage.Transient) {}` };
    case 'BLOB':
      return { stmt: `if (blob.equal(${v}, ${v})) {}` };
    case 'HTTP':
      return { stmt: `std.rollback(${v});` };
    default: // STRING, HEADER, BODY (BODY is never readable: the probe fails on the type or the access)
      return { stmt: `if (${v} == "x") {}` };
  }
}

/** A `set` statement with a right-hand side of the variable's type that is valid in every subroutine. */
export function writeStatement(v: string, type: string): string {
  const rhs: Record<string, string> = {
    BOOL: 'true',
    INT: '1',
    DURATION: '1s',
    TIME: 'now',
    BYTES: '1KB',
    IP: 'std.ip("127.0.0.1", "127.0.0.1")',
    BACKEND: 'default',
    STEVEDORE: 'storage.Transient',
    BLOB: ':AAAA:',
  };
  return `set ${v} = ${rhs[type] ?? '"x"'};`;
}

export function statement(op: Op, v: string, type: string): { stmt: string; decl?: string } {
  if (op === 'read') return readStatement(v, type);
  if (op === 'write') return { stmt: writeStatement(v, type) };
  return { stmt: `unset ${v};` };
}

/** A complete probe VCL: `stmt` inside `sub <sub>`, with the declarations it needs. */
export function probeVcl(sub: string, stmt: string, opts: { syntax?: '4.0' | '4.1'; decl?: string } = {}): string {
  return [
    `vcl ${opts.syntax ?? '4.1'};`,
    'import std;',
    'import blob;',
    'backend default { .host = "127.0.0.1"; }',
    opts.decl ?? '',
    `sub ${sub} {`,
    `\t${stmt}`,
    '}',
    '',
  ].join('\n');
}

/** The kind of a rejection, from the VCC message. */
export function classify(message: string): string {
  if (/Not available (in|from) subroutine/.test(message)) return 'not-available';
  if (/Cannot be set (in|from) subroutine/.test(message)) return 'cannot-set';
  if (/Cannot be unset (in|from) subroutine/.test(message)) return 'cannot-unset';
  if (/Variable is read only/.test(message)) return 'read-only';
  if (/Variable cannot be unset/.test(message)) return 'not-unsettable';
  if (/Variable cannot be set/.test(message)) return 'not-settable';
  if (/Operator .* not possible on/.test(message)) return 'type';
  if (/Symbol not found|Unknown property/.test(message)) return 'unknown-symbol';
  if (/Invalid return/.test(message)) return 'invalid-return';
  if (/Expected return action name/.test(message)) return 'unknown-action';
  if (/Not a valid action (in|from) subroutine/.test(message)) return 'invalid-action';
  if (/Expression has type .*, expected/.test(message)) return 'type';
  return 'other';
}
