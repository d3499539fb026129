import type { ErrorObject } from 'ajv';
import { DIAGNOSTIC_CODES, errorAt, type Diagnostic } from './diagnostic.js';
import { validate } from './generated/validate-manifest.js';
import type { ManifestFile } from './generated/manifest-types.js';
import { pathFromPointer, type ManifestLocator } from './manifest-locator.js';

interface ManifestValidator {
  (data: unknown): data is ManifestFile;
  errors?: ErrorObject[] | null;
}

// The precompiled standalone validator (no ajv at run time); its generated file is untyped.
const validateManifest = validate as unknown as ManifestValidator;

type SchemaNode = { type?: string; const?: unknown; properties?: Record<string, unknown>; oneOf?: SchemaNode[]; 'x-message'?: string };

/**
 * Runs the schema over one file's data and turns ajv's errors into diagnostics placed on the
 * offending key or value. `skipPointers`: subtrees already reported (inline secrets), whose schema
 * errors would only repeat the problem.
 */
export function schemaDiagnostics(data: unknown, locator: ManifestLocator, skipPointers: readonly string[] = []): Diagnostic[] {
  if (validateManifest(data)) return [];
  const skipped = new Set(skipPointers);
  const errors = (validateManifest.errors ?? []).filter((e) => !isUnder(e.instancePath, skipped));
  const { hidden, replacedOneOfs } = oneOfBranchErrors(errors);
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (hidden.has(error)) continue;
    if (error.keyword === 'oneOf' && replacedOneOfs.has(`${error.instancePath} ${error.schemaPath}`)) continue;
    const diagnostic = toDiagnostic(error, locator);
    const key = `${diagnostic.line}:${diagnostic.col}:${diagnostic.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push(diagnostic);
  }
  return diagnostics;
}

function toDiagnostic(error: ErrorObject, locator: ManifestLocator): Diagnostic {
  const path = pathFromPointer(error.instancePath);
  const where = describePath(path);
  const parent = error.parentSchema as SchemaNode | undefined;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const allowed = Object.keys(parent?.properties ?? {}).join(', ');
      return errorAt(locator.key([...path, key]), DIAGNOSTIC_CODES.schema,
        `${where}: unknown key "${key}"${allowed ? `; expected one of: ${allowed}` : ''}`);
    }
    case 'required':
      return errorAt(locator.key(path), DIAGNOSTIC_CODES.schema, `${where}: missing required key "${String(params['missingProperty'])}"`);
    case 'minProperties':
    case 'maxProperties':
      return errorAt(locator.key(path), DIAGNOSTIC_CODES.schema,
        `${where}: needs exactly one of: ${Object.keys(parent?.properties ?? {}).join(', ')}`);
    case 'pattern':
      return errorAt(locator.value(path), DIAGNOSTIC_CODES.schema,
        `${where}: ${parent?.['x-message'] ?? `must match the pattern ${String(params['pattern'])}`}`);
    case 'type':
      return errorAt(locator.value(path), DIAGNOSTIC_CODES.schema, `${where}: must be ${article(String(params['type']))}`);
    case 'const':
      return errorAt(locator.value(path), DIAGNOSTIC_CODES.schema, `${where}: must be ${JSON.stringify(params['allowedValue'])}`);
    case 'enum':
      return errorAt(locator.value(path), DIAGNOSTIC_CODES.schema,
        `${where}: must be one of: ${(params['allowedValues'] as unknown[]).map(String).join(', ')}`);
    case 'oneOf':
      return errorAt(locator.value(path), DIAGNOSTIC_CODES.schema,
        `${where}: must be ${(parent?.oneOf ?? []).map(describeSchema).join(' or ')}`);
    case 'minItems':
      return errorAt(locator.value(path), DIAGNOSTIC_CODES.schema, `${where}: must not be empty`);
    case 'minimum':
      return errorAt(locator.value(path), DIAGNOSTIC_CODES.schema, `${where}: must be at least ${String(params['limit'])}`);
    default:
      return errorAt(locator.value(path), DIAGNOSTIC_CODES.schema, `${where}: ${error.message ?? error.keyword}`);
  }
}

/**
 * The branches of a failed oneOf each report why they failed; the oneOf message ("must be a string
 * or a list of strings") says it once. But when the value has the type of exactly one branch, that
 * branch is what the user wrote, and its own errors say what is wrong (`owns: [gitops-*, ""]`: the
 * second item is empty), so they are shown instead of the oneOf message.
 * Errors left under a oneOf belong to a failed oneOf (ajv drops them when a branch passes), and
 * schema paths are per schema, not per instance: a few distinct prefixes cover every error.
 */
function oneOfBranchErrors(errors: readonly ErrorObject[]): { hidden: Set<ErrorObject>; replacedOneOfs: Set<string> } {
  const oneOfs = new Map(errors.filter((e) => e.keyword === 'oneOf').map((e) => [`${e.instancePath} ${e.schemaPath}`, e]));
  // "<oneOf instance> <oneOf schema path>" -> branch index -> its errors; found by walking up each
  // error's paths, so a file with thousands of failed oneOfs stays linear
  const branches = new Map<string, Map<string, ErrorObject[]>>();
  const hidden = new Set<ErrorObject>();
  for (const error of errors) {
    for (const [oneOfKey, branch] of enclosingOneOfs(error, oneOfs)) {
      const byBranch = branches.get(oneOfKey) ?? new Map<string, ErrorObject[]>();
      const branchErrors = byBranch.get(branch) ?? [];
      branchErrors.push(error);
      byBranch.set(branch, branchErrors);
      branches.set(oneOfKey, byBranch);
      hidden.add(error);
    }
  }
  const replacedOneOfs = new Set<string>();
  for (const [oneOfKey, byBranch] of branches) {
    // the schema path has no space; an instance path (a YAML key) may
    const instancePath = oneOfKey.slice(0, oneOfKey.lastIndexOf(' '));
    const schemaPath = oneOfKey.slice(oneOfKey.lastIndexOf(' ') + 1);
    // the user meant a branch whose declared type the value has (a `const` branch declares none)
    const schemas = (oneOfs.get(oneOfKey)?.parentSchema as SchemaNode | undefined)?.oneOf ?? [];
    const meant = [...byBranch].filter(([branch, branchErrors]) => schemas[Number(branch)]?.type !== undefined && !branchErrors.some((e) =>
      e.keyword === 'type' && e.schemaPath === `${schemaPath}/${branch}/type` && e.instancePath === instancePath));
    if (meant.length !== 1) continue;
    replacedOneOfs.add(oneOfKey);
    for (const error of meant[0]![1]) hidden.delete(error);
  }
  return { hidden, replacedOneOfs };
}

/** The failed oneOfs an error sits under, each with the branch index it belongs to. */
function enclosingOneOfs(error: ErrorObject, oneOfs: ReadonlyMap<string, ErrorObject>): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  for (let at = error.schemaPath.indexOf('/oneOf/'); at >= 0; at = error.schemaPath.indexOf('/oneOf/', at + 1)) {
    const schemaPath = error.schemaPath.slice(0, at + '/oneOf'.length);
    const branch = error.schemaPath.slice(at + '/oneOf/'.length).split('/')[0] ?? '';
    for (let end = error.instancePath.length; end >= 0; end = end === 0 ? -1 : error.instancePath.lastIndexOf('/', end - 1)) {
      const key = `${error.instancePath.slice(0, end)} ${schemaPath}`;
      if (oneOfs.has(key)) found.push([key, branch]);
    }
  }
  return found;
}

/** Whether the pointer or one of its ancestors is in `pointers` (a lookup per ancestor, not a scan). */
function isUnder(pointer: string, pointers: ReadonlySet<string>): boolean {
  if (pointers.size === 0) return false;
  for (let end = pointer.length; end > 0; end = pointer.lastIndexOf('/', end - 1)) {
    if (pointers.has(pointer.slice(0, end))) return true;
  }
  return false;
}

/** `clusters[0].auth.basic` style, as a user would point at it; the root is "manifest". */
export function describePath(path: ReadonlyArray<string | number>): string {
  if (path.length === 0) return 'manifest';
  return path.reduce<string>((text, segment) => {
    const isIndex = typeof segment === 'number' || /^\d+$/.test(segment);
    if (isIndex) return `${text}[${segment}]`;
    const isPlain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment);
    return isPlain ? (text ? `${text}.${segment}` : segment) : `${text}[${JSON.stringify(segment)}]`;
  }, '');
}

function describeSchema(schema: SchemaNode): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.type === 'array') return 'a list of strings';
  return article(schema.type ?? 'value');
}

function article(type: string): string {
  const names: Record<string, string> = {
    object: 'a mapping (key: value)', array: 'a list', string: 'a string', integer: 'a whole number',
    number: 'a number', boolean: 'true or false', null: 'null',
  };
  return type.split(',').map((t) => names[t] ?? t).join(' or ');
}
