// Shape checks of incoming LSP params: a malformed message is refused (InvalidParams, or a logged, ignored notification) before any handler sees it.

/** A problem with `params`, in words, or undefined when they have the shape the handler needs. */
export type Check = (params: unknown) => string | undefined;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** LSP `uinteger`: a non-negative integer. */
function isUinteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function positionProblem(v: unknown, what: string): string | undefined {
  if (!isObject(v)) return `${what} is missing or not an object`;
  if (!isUinteger(v.line)) return `${what}.line must be a non-negative integer`;
  if (!isUinteger(v.character)) return `${what}.character must be a non-negative integer`;
  return undefined;
}

function rangeProblem(v: unknown, what: string): string | undefined {
  if (!isObject(v)) return `${what} is missing or not an object`;
  return positionProblem(v.start, `${what}.start`) ?? positionProblem(v.end, `${what}.end`);
}

function documentProblem(params: unknown): string | undefined {
  if (!isObject(params)) return 'params must be an object';
  if (!isObject(params.textDocument)) return 'textDocument is missing or not an object';
  if (typeof params.textDocument.uri !== 'string') return 'textDocument.uri must be a string';
  return undefined;
}

/** `{ textDocument: { uri } }` (document symbols, diagnostics). */
export const textDocumentParams: Check = documentProblem;

/** `{ textDocument: { uri }, position }` (hover, definition, completion, references, the policy card). */
export const positionParams: Check = (params) => documentProblem(params) ?? positionProblem((params as Record<string, unknown>).position, 'position');

/** Code actions: a document, a range and a context with a diagnostics array. */
export const codeActionParams: Check = (params) => {
  const p = documentProblem(params);
  if (p) return p;
  const o = params as Record<string, unknown>;
  const r = rangeProblem(o.range, 'range');
  if (r) return r;
  if (!isObject(o.context) || !Array.isArray(o.context.diagnostics)) return 'context.diagnostics must be an array';
  if (o.context.only !== undefined && !(Array.isArray(o.context.only) && o.context.only.every((k) => typeof k === 'string'))) {
    return 'context.only must be an array of strings';
  }
  return undefined;
};

/** `workspace/diagnostic`: `previousResultIds`, when present, an array of `{ uri, value }`. */
export const workspaceDiagnosticParams: Check = (params) => {
  if (!isObject(params)) return 'params must be an object';
  const ids = params.previousResultIds;
  if (ids !== undefined && !(Array.isArray(ids) && ids.every((i) => isObject(i) && typeof i.uri === 'string' && typeof i.value === 'string'))) {
    return 'previousResultIds must be an array of { uri, value }';
  }
  return undefined;
};

export const didOpenParams: Check = (params) => {
  const p = documentProblem(params);
  if (p) return p;
  const td = (params as { textDocument: Record<string, unknown> }).textDocument;
  if (typeof td.languageId !== 'string') return 'textDocument.languageId must be a string';
  if (typeof td.version !== 'number' || !Number.isInteger(td.version)) return 'textDocument.version must be an integer';
  if (typeof td.text !== 'string') return 'textDocument.text must be a string';
  return undefined;
};

export const didChangeParams: Check = (params) => {
  const p = documentProblem(params);
  if (p) return p;
  const o = params as { textDocument: Record<string, unknown>; contentChanges?: unknown };
  if (typeof o.textDocument.version !== 'number' || !Number.isInteger(o.textDocument.version)) return 'textDocument.version must be an integer';
  if (!Array.isArray(o.contentChanges)) return 'contentChanges must be an array';
  for (const [i, c] of o.contentChanges.entries()) {
    if (!isObject(c) || typeof c.text !== 'string') return `contentChanges[${i}].text must be a string`;
    if (c.range !== undefined) {
      const r = rangeProblem(c.range, `contentChanges[${i}].range`);
      if (r) return r;
    }
  }
  return undefined;
};

/** didClose, willSave, didSave: a document. */
export const documentNotificationParams: Check = documentProblem;
