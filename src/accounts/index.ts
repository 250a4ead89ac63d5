/** Member accounts for shell, mail and XMPP: lifecycle, passwords, projections, sync. */
export { accountRoutes } from './accounts.routes.tsx';
export { internalApp } from './internal.routes.ts';
export { yescryptHasher, checkAccountPassword } from './password.ts';
export { runSync, xmppAuthSecret, type SyncReport } from './sync.ts';
export { listAccounts } from './accounts.repo.ts';
export {
  accountAddresses,
  approveAccount,
  checkServiceLogin,
  createAccount,
  deleteAccount,
  disableAccount,
  getAccountByUsername,
  getAccountOfMember,
  reconcileAccounts,
  recordLoginLockout,
  setAccountPassword,
  type Account,
  type AccountServices,
} from './accounts.service.ts';
