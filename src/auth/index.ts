/** Web users, sessions, login and member login links. */
export { authRoutes } from './auth.routes.tsx';
export { sessionMiddleware } from './session.middleware.ts';
export {
  createUser,
  listUsers,
  setUserPassword,
  MIN_PASSWORD_LENGTH,
  USERNAME,
} from './auth.service.ts';
export type { User } from './auth.service.ts';
export { deleteSessionsCreatedBefore, type SessionOwner } from './logins.repo.ts';
export { deleteUser, disableUser, enableUser } from './logins.service.ts';
export {
  deleteExpiredSessions,
  deleteLoginLinksBefore,
  listLoginLinksOfMember,
} from './auth.repo.ts';
