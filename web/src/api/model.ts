/** Requests of the model page (to be filled in). */
export const modelApi = {};
