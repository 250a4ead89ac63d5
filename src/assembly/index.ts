/** General assembly invitations with a delivery record per member, and the minutes. */
export { assemblyRoutes } from './assembly.routes.tsx';
export { registerAssemblyCommands } from './assembly.cli.ts';
export {
  attachMinutes,
  createInvitation,
  invitationReport,
  invitationsOfMember,
  sendInvitation,
  sendByDate,
  sweepAssemblies,
} from './assembly.service.ts';
