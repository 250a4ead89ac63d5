/** Daemon configuration rendered from the declaration, and the doctor (layout: README.md). */
export { renderAll, writeRendered, type RenderedFile } from './render.ts';
export { GENERATED_MARK } from './quoting.ts';
export { tlsPaths } from './declared.ts';
export { BASHRC_HOOK } from './shell/shell.render.ts';
export * from './accounts.render.ts';
export { detectDovecot, type DovecotVersion } from './mail/mail.version.ts';
export { registerDoctorCommands, type DoctorCliContext } from './doctor.cli.ts';
export { diagnose, DOCTOR_CHECKS } from './doctor.checks.ts';
export {
  formatFinding,
  promisesOf,
  summarize,
  type DoctorReport,
  type Finding,
  type Promises,
  type Severity,
} from './doctor.ts';
export { doctorRoutes } from './doctor.routes.tsx';
