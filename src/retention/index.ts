/** Deletion as the declaration says, and its proof. */
export {
  compileRetention,
  retentionProblems,
  type JobScope,
  type RetentionJob,
  type JobResult,
} from './rules.ts';
export {
  retentionStatus,
  runRetention,
  runJob,
  type JobOutcome,
  type RuleStatus,
} from './retention.service.ts';
export { formatStatusLine, startRetentionScheduler } from './retention.scheduler.ts';
export { retentionRoutes } from './retention.routes.tsx';
