export const apiRoutes = [];
