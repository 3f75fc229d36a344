/** Requests of the systolic page (to be filled in). */
export const systolicApi = {};
