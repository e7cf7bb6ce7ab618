export const manageRoutes = [];
