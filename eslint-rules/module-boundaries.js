// @ts-check
// Module boundaries (design.md §3, conventions §1), as one ESLint rule. The module list is the
// folder list of src/, read when ESLint starts, so a new module is covered without anyone adding
// it here. Written here rather than taken from eslint-plugin-import's `no-restricted-paths`
// because that rule needs one typed zone per pair of modules, which is the hand-kept list this
// replaces; resolving a relative specifier against the importing file is all the rule needs.
import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The domain modules: every folder directly under `srcDir` except `core`.
 * @param {string} srcDir
 * @returns {string[]}
 */
export function listModules(srcDir) {
  return readdirSync(srcDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'core')
    .map((entry) => entry.name)
    .sort();
}

/**
 * Where a path lies inside `srcDir`: the top folder (`core`, a module, or '' for the files of
 * the composition root beside main.ts) and the rest of the path; null outside `srcDir`.
 * @param {string} srcDir
 * @param {string} file
 */
function locate(srcDir, file) {
  const relative = path.relative(srcDir, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null;
  const parts = relative.split(path.sep);
  if (parts.length === 1) return { top: '', rest: relative };
  return { top: /** @type {string} */ (parts[0]), rest: parts.slice(1).join('/') };
}

/**
 * The composition root (src/messages.ts) may take a module's message catalogue directly: a
 * `<name>.messages.ts` file holds only texts, so this keeps the catalogue free of the modules'
 * code and of import cycles. Modules still reach each other's texts only through index.ts.
 * @param {string} importerTop
 * @param {string} rest
 */
function catalogueForRoot(importerTop, rest) {
  return importerTop === '' && /^[a-z][a-z-]*\.messages\.ts$/.test(rest);
}

/** @type {import('eslint').Rule.RuleModule} */
export const moduleBoundaries = {
  meta: {
    type: 'problem',
    docs: {
      description: 'Modules reach each other only through index.ts; core imports no module.',
    },
    schema: [
      {
        type: 'object',
        properties: { srcDir: { type: 'string' } },
        required: ['srcDir'],
        additionalProperties: false,
      },
    ],
    messages: {
      innerFile:
        "Import module '{{target}}' only through src/{{target}}/index.ts, not its inner file '{{rest}}'.",
      coreImportsModule:
        "src/core must not import the domain module '{{target}}': pass what core needs in as an argument.",
    },
  },
  create(context) {
    const srcDir = path.resolve(/** @type {{ srcDir: string }} */ (context.options[0]).srcDir);
    const modules = new Set(listModules(srcDir));
    const importer = locate(srcDir, context.filename);
    if (!importer) return {};
    /** @param {import('estree').Node & { source?: import('estree').Literal | null }} node */
    const check = (node) => {
      const specifier = node.source?.value;
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const target = locate(srcDir, path.resolve(path.dirname(context.filename), specifier));
      if (!target || !modules.has(target.top) || target.top === importer.top) return;
      if (importer.top === 'core') {
        context.report({ node, messageId: 'coreImportsModule', data: { target: target.top } });
      } else if (target.rest !== 'index.ts' && !catalogueForRoot(importer.top, target.rest)) {
        context.report({
          node,
          messageId: 'innerFile',
          data: { target: target.top, rest: target.rest },
        });
      }
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default { rules: { 'module-boundaries': moduleBoundaries } };
