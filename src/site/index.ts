/** The public website pages. */
export { siteRoutes } from './site.routes.tsx';
