/**
 * Data-subject requests (Art. 12–21 GDPR): the ledger every request lands in (by mail, in the
 * portal, entered by the board), identity verification, deadlines, execution and answers. The
 * mail intake (LMTP recipient, parsing, classification) records through {@link recordRequest}.
 */
export {
  REQUEST_CHANNELS,
  REQUEST_KINDS,
  REQUEST_STATES,
  type IdentitySignal,
  type LedgerRequest,
  type NewRequest,
  type RequestChannel,
  type RequestKind,
  type RequestState,
} from './requests.types.ts';
export { REQUEST_ERROR_CODES, RequestError, type RequestErrorCode } from './requests.errors.ts';
export {
  getRequest,
  isRequestKind,
  listRequests,
  recordRequest,
  type RequestDeps,
} from './requests.service.ts';
export { dueDate } from './deadline.ts';
export {
  receiveRequestMail,
  requestMailDir,
  requestsMailRoute,
  type RequestMailOutcome,
} from './intake.ts';
export { classifyRequest, detectLanguage } from './classify.ts';
export { identifyRequester, type IdentityReason } from './identity.ts';
