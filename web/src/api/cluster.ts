/** Requests of the cluster page (to be filled in). */
export const clusterApi = {};
