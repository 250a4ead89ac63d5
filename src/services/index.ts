/** Daemon configuration rendered from the declaration. */
export { renderAll, writeRendered, type RenderedFile } from './render.ts';
export * from './accounts.render.ts';
