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
  CONFIRMATION_DAYS,
  OPEN_STATES,
  changeRequestKind,
  closeRequest,
  confirmationIsUsable,
  confirmRequest,
  denyRequest,
  extendRequest,
  getRequest,
  isRequestKind,
  listRequests,
  recordPortalRequest,
  recordRequest,
  sweepClosedRequests,
  verifyRequest,
  type RequestDeps,
} from './requests.service.ts';
export { approveRequest, type ApproveOptions, type Execution } from './execute.ts';
export { ANSWERS_PER_HOUR, AUTO_REPLIED, sendAnswer } from './answers.ts';
export { REMINDER_DAYS, sendDueReminders, startReminderScheduler } from './reminders.ts';
export { dueDate, isNonWorkingDay, nextWorkingDay } from './deadline.ts';
export { registerRequestCommands, type RequestsCliContext } from './requests.cli.ts';
export { requestRoutes } from './requests.routes.tsx';
export {
  receiveRequestMail,
  requestMailDir,
  requestsMailRoute,
  type RequestMailOutcome,
} from './intake.ts';
export { classifyRequest, detectLanguage } from './classify.ts';
export { identifyRequester, type IdentityReason } from './identity.ts';
