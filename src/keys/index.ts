/**
 * Members' OpenPGP keys: the Web Key Directory (serving, publication with proof of possession,
 * minimisation, removal) and the Web Key Service by mail (intake listener, GnuPG-compatible
 * confirmation protocol).
 */
export { keyPageRoutes, mountKeys, wkdNodeListenerOf } from './keys.routes.tsx';
export {
  COMMON_HEADERS as WKD_HEADERS,
  PREFLIGHT_HEADERS as WKD_PREFLIGHT_HEADERS,
  policyText,
  wkdHandler,
  WKD_PREFIX,
  type WkdNodeListener,
} from './wkd.routes.ts';
export { createKeyDirectory, type KeyDirectory } from './directory.ts';
export {
  compareWkdExport,
  startWkdExport,
  writeWkdExport,
  CURRENT_LINK as WKD_EXPORT_CURRENT,
  type ExportComparison,
} from './export.ts';
export {
  declaredWksRoute,
  startIntake,
  startMailIntake,
  wksMailRoute,
  type Intake,
  type IntakeOptions,
} from './intake.ts';
export { receiveWksMail, type WksOutcome } from './wks.ts';
export { rawMailerFor, type RawMailer } from './wks.mime.ts';
export { checkLiveWkd, type WkdCheck } from './selftest.ts';
export {
  loadSigningKey,
  loadSigningPublicKey,
  loadSubmissionKey,
  loadSubmissionPublicKey,
  signingAddress,
  submissionAddress,
} from './submission-key.ts';
export { KEY_ERROR_CODES, KeyError, type KeyErrorCode } from './key-policy.ts';
export {
  keysOfMember,
  listKeys,
  publishKeyDirectly,
  removeKeyByAddress,
  removeStaleKeys,
  replayKeyRemoval,
  staleKeysRemoved,
  type KeyListEntry,
  type StaleKeysReport,
  type WkdKey,
} from './keys.service.ts';
export { asciiLower, wkdHash, wkdHashOfAddress, zbase32 } from './zbase32.ts';
export { encryptText, readBinaryKey } from './pgp.ts';
export { registerKeyCommands, type KeysCliContext } from './keys.cli.ts';
