/** The /cc/events resource: integrators' events in (POST), and the events that changed no figure (rejected, quarantined). */
export { eventRoutes, type IngestAdmission } from './routes.js';
export { setAsideRoutes } from './set-aside-routes.js';
