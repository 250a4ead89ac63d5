/**
 * `npm run build`: the server as one minified ES module bundle, `dist/main.js` (the `treff`
 * executable, started by `npm start`, the systemd unit and the benches), plus chunks in
 * `dist/chunks/` for what is loaded with `import()` on first use (OpenPGP.js, mailparser, the
 * SMTP server, …). Why a bundle: V8 keeps the source text of every loaded module in its heap;
 * the 230 files of `tsc` output with their comments, and the whole of zod, kysely and hono,
 * took about a quarter of the idle server's heap (README, "Memory"). Minified, with unused
 * exports dropped and non-ASCII text escaped (one byte per character in V8, not two), that
 * text shrinks to a fraction. Types are checked by `npm run typecheck`, not here.
 *
 * Native modules stay external (they are `.node` files beside their JavaScript); source maps
 * (`dist/**.js.map`, without the sources) map a stack trace back to `src/` with
 * `node --enable-source-maps` or any source-map tool. Licence comments of the bundled packages
 * go to `dist/**.LEGAL.txt`.
 */
import { chmod, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');

/** Packages with native code, loaded from node_modules at run time. */
export const EXTERNAL: readonly string[] = [
  'better-sqlite3',
  '@node-rs/argon2',
  'koffi',
  // pg's optional native binding, never installed.
  'pg-native',
];

/**
 * zod re-exports its error messages in 40 languages as `z.locales` and so puts all of them in a
 * bundle (a sixth of the server's code). treff speaks German and English: only those two stay.
 */
const zodLocales: Plugin = {
  name: 'zod-locales',
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents:
        'export { default as de } from "./de.js";\nexport { default as en } from "./en.js";\n',
      resolveDir: join(ROOT, 'node_modules', 'zod', 'v4', 'locales'),
    }));
  },
};

const dist = join(ROOT, 'dist');
await rm(dist, { recursive: true, force: true });
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: { main: 'src/main.ts' },
  outdir: dist,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  minify: true,
  // Error and class names stay as written: messages, logs and `instanceof`-free checks read them.
  keepNames: true,
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'linked',
  external: [...EXTERNAL],
  // The bundled CommonJS packages (pino, yaml, commander, pg …) call `require`, which an ES
  // module does not have: each output file gets its own.
  banner: {
    js: "import { createRequire as __treffRequire } from 'node:module'; const require = __treffRequire(import.meta.url);",
  },
  plugins: [zodLocales],
  metafile: true,
  logLevel: 'warning',
});
await chmod(join(dist, 'main.js'), 0o755);
const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
// esbuild escapes non-ASCII text, but not inside regular expressions. One character beyond
// Latin-1 anywhere makes V8 keep the whole file's source as a two-byte string: refuse it.
for (const [file] of outputs) {
  const text = await readFile(join(ROOT, file), 'utf8');
  for (let offset = 0; offset < text.length; offset++) {
    const code = text.charCodeAt(offset);
    if (code > 0xff)
      throw new Error(
        `${file}: the character U+${code.toString(16).padStart(4, '0')} at offset ${offset} is beyond Latin-1; escape it in its source`,
      );
  }
}
const total = outputs.reduce((sum, [, output]) => sum + output.bytes, 0);
console.log(
  `dist/main.js and ${outputs.length - 1} chunks: ${(total / 1024).toFixed(0)} KiB of JavaScript`,
);
