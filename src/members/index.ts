/** The member registry and the contributions ledger. */
export { memberRoutes } from './members.routes.tsx';
export {
  CLI_VISIBILITY,
  clubToday,
  createMember,
  exportMembers,
  getMember,
  getMemberByNumber,
  getMemberHistory,
  hasLeft,
  importMembers,
  listMembers,
  listMembersByIds,
  updateMember,
  visibilityFor,
} from './members.service.ts';
export { findMembersByEmail, markMemberRestricted } from './members.repo.ts';
export type { Visibility } from './members.repo.ts';
export {
  bookPayment,
  getAccount,
  reverseBooking,
  setFee,
  type Account,
} from './contributions.service.ts';
export { listBankRowsOfMember } from './contributions.repo.ts';
export { MEMBER_CSV_COLUMNS } from './members.csv.ts';
export { registerStatementImport, type StatementCliContext } from './statements.cli.ts';
export { MEMBER_FIELDS, type Member, type MemberField } from './members.schema.ts';
export { fieldLabel, type RegistryLabels } from './members.views.tsx';
export { centsToDecimal } from './money.ts';
export { addMonths, computeDues, type Due, type Fee } from './dues.ts';
export { listArrears, unpaidDues, type Arrear } from './arrears.ts';
export {
  anonymiseAuditOfErasedMembers,
  ERASABLE_COLUMNS,
  endOfYear,
  eraseFieldsOfFormerMembers,
  eraseRecordsOfFormerMembers,
  replayAuditAnonymisation,
  replayMemberErasure,
  type ErasableField,
  type StageResult,
} from './erasure.service.ts';
export { deleteEndedImportRunsBefore, IMPORT_RUN_KEEP_DAYS } from './import-runs.ts';
