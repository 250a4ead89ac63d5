/** Right of access (Art. 15 GDPR): the report, the member portal and the board's view of it. */
export { accessRoutes } from './access.routes.tsx';
export { buildAccessReport, type AccessReport } from './access.service.ts';
export { describeRetention } from './access.views.tsx';
