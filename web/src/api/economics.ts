/** Requests of the economics page (to be filled in). */
export const economicsApi = {};
