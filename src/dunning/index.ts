/**
 * Reminders for unpaid fees: stages from the declaration, a preview with the rendered mails and
 * the limitation date of each claim, the board's approval, sending (OpenPGP/MIME when treff has
 * the member's key), a record per member of what was sent when, and its retention.
 */
export { dunningRoutes } from './dunning.routes.tsx';
export {
  approveReminders,
  getRun,
  planReminders,
  recordApproval,
  renderReminder,
  sendRun,
  type PlannedReminder,
  type ReminderPlan,
} from './dunning.service.ts';
export { limitationDate, nextStage, type Stage } from './claims.ts';
export { listSendsOfMember, deleteSendsBefore, type ReminderSend } from './dunning.repo.ts';
export { registerReminderCommands } from './dunning.cli.ts';
