/** Admin pages: outbox and users. */
export { adminRoutes } from './admin.routes.tsx';
