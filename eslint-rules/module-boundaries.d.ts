import type { ESLint, Rule } from 'eslint';

/** The domain modules: every folder directly under `srcDir` except `core`. */
export function listModules(srcDir: string): string[];
/** The rule `treff/module-boundaries`. */
export const moduleBoundaries: Rule.RuleModule;
declare const plugin: ESLint.Plugin;
export default plugin;
