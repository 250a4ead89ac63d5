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

// Register of disclosures, signed statements, board declarations (branch transp-signed).
export {
  disclosureCounts,
  listDisclosures,
  purgeDisclosures,
  recordDisclosure,
  updateDisclosure,
  type Disclosure,
  type DisclosureCounts,
  type DisclosureYear,
} from './disclosures.service.ts';
export { registerStatementCommands } from './statement.cli.ts';
export {
  startStatementScheduler,
  statementFigures,
  writeTodaysStatement,
} from './statement.daily.ts';
export {
  canonicalStatementJson,
  statementsDir,
  StatementError,
  verifyStatements,
  type ChainReport,
} from './statement.service.ts';
export {
  currentDeclaration,
  publishDeclaration,
  type BoardDeclaration,
} from './declaration.service.ts';
export { DeclarationView, disclosureRoutes } from './disclosures.routes.tsx';
export { DisclosureFigures, latestStatement, statementRoutes } from './statement.routes.tsx';
