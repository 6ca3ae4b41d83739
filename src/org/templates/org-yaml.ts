import * as path from 'node:path';
import {
  Document,
  isCollection,
  isScalar,
  LineCounter,
  Node,
  parseDocument,
  Scalar,
  visit,
} from 'yaml';
import { ContainedReadError, readTextInsideRoot } from '../../common/fs/contained-path';

/** Bounds that keep a hostile template (YAML bombs, include fan-out) cheap to refuse. */
export const ORG_YAML_LIMITS = {
  /** Bytes of one file, `org.yaml` or included. */
  maxFileBytes: 1024 * 1024,
  /** Bytes of all files read for one template. */
  maxTotalBytes: 4 * 1024 * 1024,
  /** `!include` directives expanded for one template. */
  maxIncludes: 256,
  /** Nested `!include` levels (spec 05 §6.3). */
  maxIncludeDepth: 16,
  /** Alias expansions (the yaml library's billion-laughs guard). */
  maxAliasCount: 100,
  /** Nesting of mappings and sequences in the expanded document. */
  maxNesting: 64,
} as const;

/** Why a template could not be read or expanded; the wire only says it failed. */
export class OrgYamlError extends Error {}

/** `org.yaml` is not there (→ 404 rather than 400). */
export class OrgYamlMissingError extends OrgYamlError {}

const INCLUDE_TAG = {
  tag: '!include',
  resolve: (value: string) => value,
};

interface Expansion {
  readonly root: string;
  bytes: number;
  includes: number;
}

/**
 * Reads `<templateDir>/<file>` and expands `!include` (spec 05 §6.3): a scalar tagged
 * `!include <path>` is replaced in place by the parsed root of that file, resolved against
 * the including file's directory and contained — links resolved — in the template
 * directory. Returns the plain value. Every failure is an `OrgYamlError` whose message
 * names the directive (paths relative to the template), for the log.
 */
export function loadOrgYaml(templateDir: string, file: string): unknown {
  const expansion: Expansion = { root: templateDir, bytes: 0, includes: 0 };
  const text = readTemplateFile(expansion, file, (reason) => {
    if (reason === 'not found') throw new OrgYamlMissingError(`${file} not found`);
    throw new OrgYamlError(`${file}: ${reason}`);
  });
  const parsed = parseTemplateYaml(text, (reason) => {
    throw new OrgYamlError(`${file}: parse: ${reason}`);
  });
  expandIncludes(expansion, parsed, file, []);
  let value: unknown;
  try {
    value = parsed.document.toJS({ maxAliasCount: ORG_YAML_LIMITS.maxAliasCount });
  } catch (err) {
    throw new OrgYamlError(`${file}: ${(err as Error).message}`);
  }
  assertNesting(value, ORG_YAML_LIMITS.maxNesting);
  return value;
}

interface ParsedYaml {
  readonly document: Document.Parsed;
  readonly lineCounter: LineCounter;
}

function parseTemplateYaml(text: string, fail: (reason: string) => never): ParsedYaml {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    customTags: [INCLUDE_TAG],
    lineCounter,
    prettyErrors: false,
  });
  if (document.errors.length > 0) fail(document.errors[0].message);
  return { document, lineCounter };
}

/** Replaces every `!include` scalar of `parsed` (a file at `file`) with what it includes. */
function expandIncludes(
  expansion: Expansion,
  { document, lineCounter }: ParsedYaml,
  file: string,
  chain: readonly string[],
): void {
  const lineOf = (node: Node) => lineCounter.linePos(node.range?.[0] ?? 0).line;
  visit(document, {
    Node: (_key, node) => {
      if (node.tag !== '!include') return undefined;
      if (isCollection(node)) {
        throw new OrgYamlError(`!include at line ${lineOf(node)}: expects a path`);
      }
      if (!isScalar(node)) return undefined;
      return includedNode(expansion, String(node.value ?? '').trim(), file, lineOf(node), chain);
    },
  });
}

function includedNode(
  expansion: Expansion,
  target: string,
  from: string,
  line: number,
  chain: readonly string[],
): Node {
  if (target === '') throw new OrgYamlError(`!include at line ${line}: empty path`);
  if (path.isAbsolute(target)) {
    throw new OrgYamlError(`!include "${target}" at line ${line}: path escapes root`);
  }
  const relative = path.normalize(path.join(path.dirname(from), target));
  if (chain.includes(relative) || relative === from) {
    throw new OrgYamlError(`!include cycle detected at "${target}" (line ${line})`);
  }
  if (chain.length + 1 >= ORG_YAML_LIMITS.maxIncludeDepth) {
    throw new OrgYamlError(
      `!include: max depth ${ORG_YAML_LIMITS.maxIncludeDepth} exceeded (possible cycle)`,
    );
  }
  if (++expansion.includes > ORG_YAML_LIMITS.maxIncludes) {
    throw new OrgYamlError(`!include: more than ${ORG_YAML_LIMITS.maxIncludes} includes`);
  }
  const text = readTemplateFile(expansion, relative, (reason) => {
    throw new OrgYamlError(`!include "${target}" at line ${line}: ${reason}`);
  });
  const included = parseTemplateYaml(text, (reason) => {
    throw new OrgYamlError(`!include "${target}": parse: ${reason}`);
  });
  expandIncludes(expansion, included, relative, [...chain, from]);
  // An empty file includes as null, like an empty document decodes.
  return (included.document.contents as Node | null) ?? new Scalar(null);
}

function readTemplateFile(
  expansion: Expansion,
  relative: string,
  fail: (reason: string) => never,
): string {
  let text: string;
  try {
    text = readTextInsideRoot(expansion.root, relative, ORG_YAML_LIMITS.maxFileBytes);
  } catch (err) {
    if (!(err instanceof ContainedReadError)) throw err;
    return fail(err.reason === 'escapes root' ? 'path escapes root' : err.reason);
  }
  expansion.bytes += Buffer.byteLength(text);
  if (expansion.bytes > ORG_YAML_LIMITS.maxTotalBytes) {
    fail('template larger than the total size limit');
  }
  return text;
}

/** Iterative, so a hostile nesting depth cannot overflow the stack while being measured. */
function assertNesting(value: unknown, max: number): void {
  const stack: [unknown, number][] = [[value, 0]];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    if (depth > max) throw new OrgYamlError(`document nests deeper than ${max} levels`);
    seen.add(current);
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
}

/** The same nesting bound for inline (JSON) templates. */
export function assertTemplateNesting(value: unknown): void {
  assertNesting(value, ORG_YAML_LIMITS.maxNesting);
}
