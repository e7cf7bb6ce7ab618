export const organisationRoutes = [];
