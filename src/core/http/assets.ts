import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The only stylesheets treff serves, both from its own origin: Pico's classless build (no web
 * fonts, only inline `data:` images) and a few rules of our own. No script is served at all.
 */
export interface Asset {
  body: string;
  contentType: string;
}

const OWN_CSS = `
:root { --pico-font-size: 100%; }
body > header nav { flex-wrap: wrap; }
.flash { padding: .75rem 1rem; border-left: .3rem solid var(--pico-primary); background: var(--pico-card-background-color); margin-bottom: 1rem; }
.flash.error { border-color: #c62828; }
.issues li { color: #c62828; }
pre.mail-text { white-space: pre-wrap; }
.muted { color: var(--pico-muted-color); }
.badge { font-size: .8em; padding: .1em .5em; border-radius: .3em; background: var(--pico-muted-border-color); white-space: nowrap; }
.badge.warn { background: #ffe0b2; color: #5d4037; }
.badge.ok { background: #c8e6c9; color: #1b5e20; }
.badge.bad { background: #ffcdd2; color: #b71c1c; }
article.promise.red { border-left: .3rem solid #c62828; }
article.promise.green { border-left: .3rem solid #2e7d32; }
.amount-negative { color: #c62828; }
.inline { display: inline; }
.inline button { width: auto; padding: .2rem .6rem; margin: 0; }
table td, table th { vertical-align: top; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1.5rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.pager { display: flex; gap: 1rem; align-items: center; }
.lang-switch a { margin-left: .5rem; }
pre.mail { white-space: pre-wrap; }
`;

/** Loads the assets once at start-up; served under `/assets/`. */
export function loadAssets(): Map<string, Asset> {
  const require = createRequire(import.meta.url);
  const pico = readFileSync(require.resolve('@picocss/pico/css/pico.classless.min.css'), 'utf8');
  return new Map([
    ['pico.css', { body: pico, contentType: 'text/css; charset=utf-8' }],
    ['treff.css', { body: OWN_CSS, contentType: 'text/css; charset=utf-8' }],
  ]);
}
