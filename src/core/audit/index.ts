export {
  CLI_ACTOR,
  SYSTEM_ACTOR,
  listAuditForMember,
  recordAudit,
  recordAuditBatch,
} from './audit.repo.ts';
export type { Actor, AuditEntry, AuditEvent } from './audit.repo.ts';
