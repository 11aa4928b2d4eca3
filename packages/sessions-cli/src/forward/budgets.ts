import { RequestBudget } from '@x/sessions-sdk';
import type { GlobalArgs } from '../context.js';
import { settingLookup } from '../settings.js';
import type { Pipeline } from './config.js';

/**
 * The request budget of each pipeline: one per API client (URL and client id), shared by every pipeline of that
 * client, of `--max-requests-per-minute` or else the first such pipeline's `INCYDR_MAX_REQUESTS_PER_MINUTE`; none
 * without a limit. The API counts requests per API client, so separate budgets would together exceed it.
 */
export function budgetOf(globals: GlobalArgs): (pipeline: Pipeline) => RequestBudget | undefined {
  // `null`: the client's first pipeline set no limit, so none of its pipelines gets one (and its settings are read once).
  const budgets = new Map<string, RequestBudget | null>();
  return (pipeline) => {
    const key = pipeline.client;
    if (!budgets.has(key)) {
      const limit = globals.maxRequestsPerMinute ?? settingLimit(pipeline);
      budgets.set(key, limit === undefined ? null : new RequestBudget(limit));
    }
    return budgets.get(key) ?? undefined;
  };
}

/** The pipeline's own `INCYDR_MAX_REQUESTS_PER_MINUTE`, when it is a positive integer (else the SDK says what is wrong). */
function settingLimit(pipeline: Pipeline): number | undefined {
  const text = settingLookup(pipeline.settings.env, pipeline.settings.envFile)('INCYDR_MAX_REQUESTS_PER_MINUTE');
  const limit = Number(text);
  return text !== undefined && Number.isSafeInteger(limit) && limit >= 1 ? limit : undefined;
}
