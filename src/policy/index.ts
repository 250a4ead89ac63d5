/**
 * The privacy policy (Art. 13 GDPR, German and English) and the record of processing
 * activities (Art. 30 GDPR), both rendered from the declaration.
 */
export {
  policyRoutes,
  policyTitle,
  POLICY_PATHS,
  POLICY_VERSIONS_PATHS,
} from './policy.routes.tsx';
export { renderPolicy, renderRecord, POLICY_FORMATS, type PolicyFormat } from './policy.ts';
export { buildPolicyDocument } from './policy.document.ts';
export { buildRecordDocument } from './record.document.ts';
export {
  policyEditionHistory,
  publishPolicyEdition,
  type EditionChanges,
  type EditionHistoryEntry,
  type PolicyEdition,
} from './policy.service.ts';
export { policyVersion, type PolicyInput } from './version.ts';
export type { PolicyDocument } from './document.ts';
