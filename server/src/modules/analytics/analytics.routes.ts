/**
 * /api/admin/analytics/*: the operator's numbers, each with a `format=csv` twin. Owner and operator
 * only (support and members get 403).
 */
import {
  AnalyticsChannelsSchema,
  AnalyticsCohortsSchema,
  AnalyticsDailySchema,
  AnalyticsGroupBuysSchema,
  AnalyticsInvitationsSchema,
  AnalyticsLivesSchema,
  AnalyticsOverviewSchema,
  AnalyticsRangeQuerySchema,
  AnalyticsTiersSchema,
} from '@siyu/shared';
import type { z } from 'zod';
import { type AnyRoute, defineRoute, FileAnswer } from '../../http/route';
import type { AnalyticsService } from './analytics.service';

type Row = Record<string, unknown>;

/** Flattens nested values (`repurchaseRate.text` → `repurchaseRate`) so every cell is one value. */
function flatten(row: Row): Record<string, string> {
  const cells: Record<string, string> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value && typeof value === 'object' && 'text' in value) cells[key] = String((value as { text: string }).text);
    else if (value && typeof value === 'object') Object.assign(cells, flatten(value as Row));
    else cells[key] = value === null || value === undefined ? '' : String(value);
  }
  return cells;
}

function cell(text: string): string {
  // Quote what needs it, and keep spreadsheet formulas from running (=, +, -, @ at the start).
  const safe = /^[=+\-@]/.test(text) && !/^-?\d+(\.\d+)?%?$/.test(text) ? `'${text}` : text;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: Row[]): string {
  const flat = rows.map(flatten);
  const columns = [...new Set(flat.flatMap((row) => Object.keys(row)))];
  const lines = [columns.join(','), ...flat.map((row) => columns.map((column) => cell(row[column] ?? '')).join(','))];
  return `\uFEFF${lines.join('\n')}\n`;
}

export function analyticsAdminRoutes(analytics: AnalyticsService): AnyRoute[] {
  const measure = <S extends z.ZodType>(
    path: string,
    summary: string,
    response: S,
    load: (range: { from: string; to: string }) => Promise<z.input<S>>,
    rowsOf: (answer: z.input<S>) => Row[],
  ) =>
    defineRoute({
      method: 'get',
      path: `/analytics/${path}`,
      summary,
      tags: ['admin: analytics'],
      auth: { admin: ['operator'] },
      query: AnalyticsRangeQuerySchema,
      response,
      produces: ['text/csv'],
      handler: async ({ query }) => {
        const answer = await load({ from: query.from, to: query.to });
        if (query.format === 'csv') {
          return new FileAnswer(
            toCsv(rowsOf(answer)),
            'text/csv; charset=utf-8',
            `${path}-${query.from}-${query.to}.csv`,
          );
        }
        return answer as never;
      },
    });
  const rowsField = (answer: { rows: Row[] }) => answer.rows;
  return [
    measure(
      'overview',
      '总览：GMV（实付减退款）、订单、付款会员、客单价、复购率、新会员、3 日内首单率、积分发放/使用/过期、券成本',
      AnalyticsOverviewSchema,
      (range) => analytics.overview(range),
      (answer) => [{ ...answer, range: `${answer.range.from}~${answer.range.to}` }],
    ),
    measure(
      'daily',
      '按天：GMV、订单数、新会员（折线图）',
      AnalyticsDailySchema,
      (range) => analytics.daily(range),
      (answer) => answer.days,
    ),
    measure(
      'channels',
      '渠道：每个包裹卡批次与获客渠道的印刷、兑换、引流率、3 日内首单、复购率、GMV',
      AnalyticsChannelsSchema,
      (range) => analytics.channels(range),
      rowsField,
    ),
    measure(
      'cohorts',
      '同期群：按注册周的 注册 → 首单 → 复购',
      AnalyticsCohortsSchema,
      (range) => analytics.cohorts(range),
      rowsField,
    ),
    measure(
      'lives',
      '直播：预约、提醒、点击、订单、付款会员、GMV',
      AnalyticsLivesSchema,
      (range) => analytics.lives(range),
      rowsField,
    ),
    measure(
      'group-buys',
      '拼团：开团、成团、失败、成团率、拉新团带来的新会员',
      AnalyticsGroupBuysSchema,
      (range) => analytics.groupBuys(range),
      (answer) => [answer],
    ),
    measure(
      'invitations',
      '邀请：邀请人、邀请、注册、首单、K 因子',
      AnalyticsInvitationsSchema,
      (range) => analytics.invitations(range),
      (answer) => [answer],
    ),
    measure(
      'tiers',
      '等级：各等级会员数与 GMV 占比',
      AnalyticsTiersSchema,
      (range) => analytics.tiers(range),
      rowsField,
    ),
  ];
}
