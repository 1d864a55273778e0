// @ts-check
import path from 'node:path';

/** The repository root: module ids below are paths from here, without extension (`contract/messages`). */
const ROOT = path.dirname(import.meta.dirname);

/**
 * What an import names, as a path from the repository root (`src/exact/rules`) for a relative import, or the
 * package name as written (`@temporalio/workflow`). Resolved, so `../x` means the same from every depth.
 * @param {string} filename
 * @param {string} source
 */
function moduleId(filename, source) {
  if (!source.startsWith('.')) return source;
  const resolved = path.relative(ROOT, path.resolve(path.dirname(filename), source));
  return resolved
    .split(path.sep)
    .join('/')
    .replace(/\.(ts|js)$/, '');
}

/**
 * The parts of an import or export this rule reads (typescript-eslint adds the `…Kind` fields).
 * @typedef {{ source?: { value?: unknown } | null; importKind?: string; exportKind?: string; specifiers?: { importKind?: string }[] }} ImportLike
 */

/**
 * A boundary: regexes on module ids of what a file may import, may import types from, and may never import.
 * @typedef {{ allow?: string[]; types?: string[]; forbid?: string[]; because: string }} Options
 */

/**
 * ESLint checked the options against the schema below.
 * @param {unknown} value
 * @returns {Options}
 */
const asOptions = (value) => /** @type {Options} */ (value);

/** @param {ImportLike} node */
function typeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  const specifiers = node.specifiers ?? [];
  return specifiers.length > 0 && specifiers.every((s) => s.importKind === 'type');
}

/**
 * Keeps the folders' dependency directions: `allow` lists what a file may import (regexes on the module id),
 * `types` what it may import types from (erased at build, so no code follows), `forbid` what it may never import.
 * @type {import('eslint').Rule.RuleModule}
 */
export const importBoundaries = {
  meta: {
    type: 'problem',
    schema: [
      {
        type: 'object',
        properties: {
          allow: { type: 'array', items: { type: 'string' } },
          types: { type: 'array', items: { type: 'string' } },
          forbid: { type: 'array', items: { type: 'string' } },
          because: { type: 'string' },
        },
        required: ['because'],
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const { allow, types = [], forbid = [], because } = asOptions(context.options[0]);
    const matches = (/** @type {string[]} */ patterns, /** @type {string} */ id) =>
      patterns.some((pattern) => new RegExp(pattern).test(id));
    /** @param {import('estree').Node} estreeNode */
    function check(estreeNode) {
      const node = /** @type {ImportLike} */ (/** @type {unknown} */ (estreeNode));
      const source = node.source?.value;
      if (typeof source !== 'string') return;
      const id = moduleId(context.filename, source);
      const refused =
        matches(forbid, id) || (allow !== undefined && !matches(allow, id) && !(typeOnly(node) && matches(types, id)));
      if (refused) context.report({ node: estreeNode, message: `'${id}' may not be imported here: ${because}` });
    }
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};
