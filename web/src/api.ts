/**
 * Every request the worker answers, one module per page. Each function takes plain JSON and returns
 * plain JSON; all analysis is the library's (src/index.ts), called with the CLI's defaults so the
 * numbers shown equal `tpusim ... --json` for the same inputs.
 */
import { chipApi } from './api/chip.js';
import { clusterApi } from './api/cluster.js';
import { economicsApi } from './api/economics.js';
import { exploreApi } from './api/explore.js';
import { modelApi } from './api/model.js';
import { servingApi } from './api/serving.js';
import { systolicApi } from './api/systolic.js';

export const api = {
  ...chipApi,
  ...systolicApi,
  ...modelApi,
  ...clusterApi,
  ...economicsApi,
  ...exploreApi,
  ...servingApi,
};
export type Api = typeof api;
export type ApiName = keyof Api;
