/** The board's figures at a glance: members, contributions and arrears as SVG and CSV. */
export { dashboardRoutes } from './dashboard.routes.tsx';
export { boardFigures, type Figures } from './dashboard.service.ts';
