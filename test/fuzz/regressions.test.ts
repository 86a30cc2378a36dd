// Inputs the fuzz tests found, minimised, replayed on every run: each file in fixtures/ must keep every parser
// invariant (every VCL mode) and analyse without a throw, an internal error or a finding outside its file.
// A fixture of a bug not fixed yet names the code at fault and runs as a `todo` (reported, not failed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkAnalysis, checkParsers, FIXTURES, type Dialect } from './support';

interface Fixture {
  /** What went wrong on this input. */
  about: string;
  /** Set while the bug is open: where it is. */
  open?: string;
}

const FIXTURE_INDEX: Record<string, Fixture> = {
  'nginx-deep-nesting.conf': {
    about: '4,000 nested blocks (`a{` repeated): the recursive nginx parser exhausted the stack (RangeError); blocks deeper than the limit are now skipped with one error',
  },
  'vcl-missing-condition-at-brace.vcl': {
    about: 'an `elif (` followed by `}`: the missing condition was placed at the `}`, after the end of its branch and of its if statement',
  },
  'vcl-branch-without-braces.vcl': {
    about: 'an if branch without `{`: its block started at the statement standing in for the body, after its own `open` offset',
  },
  'vcl-call-unclosed-at-end.vcl': {
    about: 'a call missing an argument and its `)` at the end of the file: vcl/type-error reported "Argument 2 (REGEX) missing" with a range one character past the end of the file; it is now an empty range at the end',
  },
};

const files = fs.existsSync(FIXTURES) ? fs.readdirSync(FIXTURES).filter((f) => /\.(conf|vcl)$/.test(f)).sort() : [];

test('every fixture is described', () => {
  assert.deepEqual(files, Object.keys(FIXTURE_INDEX).sort());
});

for (const file of files) {
  const dialect: Dialect = file.endsWith('.vcl') ? 'vcl' : 'nginx';
  const fixture = FIXTURE_INDEX[file] ?? { about: '(not described)' };
  test(`fixture ${file}: ${fixture.about}`, { todo: fixture.open && `open bug: ${fixture.open}` }, () => {
    const text = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
    checkParsers(dialect, text, file);
    checkAnalysis(dialect, text, file);
  });
}
