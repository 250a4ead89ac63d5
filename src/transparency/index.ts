/** The public transparency page: the policy's promises against the live system (issue 13). */
export type { Bilingual, PromiseFigure, RedReason, TransparencyFigures } from './figures.ts';
export {
  DOCTOR_INTERVAL_MS,
  doctorPromisesFor,
  recordDoctorRun,
  startDoctorScheduler,
  transparencyFigures,
} from './transparency.service.ts';
export { latestDoctorRun, type DoctorRun, type StoredFinding } from './transparency.repo.ts';
export { transparencyRoutes, TRANSPARENCY_PATHS } from './transparency.routes.tsx';
export { registerTransparencyCommands, type TransparencyCliContext } from './transparency.cli.ts';
