import type { Deps } from '../core/deps.ts';
import { policyVersion } from '../policy/index.ts';
import { retentionStatus, type RuleStatus } from '../retention/index.ts';
import type { PromiseFigure, RedReason, TransparencyFigures } from './figures.ts';

function reasonsOf(row: RuleStatus): RedReason[] {
  switch (row.state) {
    case 'over':
      return ['over'];
    case 'late':
      return ['late'];
    case 'never':
      return ['never'];
    case 'error':
      return ['failed'];
    default:
      return [];
  }
}

function figureOf(row: RuleStatus): PromiseFigure {
  const reasons = reasonsOf(row);
  return {
    key: row.name,
    activityId: row.activityId,
    activity: row.activityTitle,
    promise: row.activityTitle,
    limit: row.rule.keep ?? null,
    limitMs: row.limitMs,
    oldestAgeMs: row.oldestAgeMs,
    items: null,
    deletedBy: row.keptBy ?? 'job',
    lastDeletion: row.lastRun
      ? {
          at: row.lastRun.startedAt,
          result: row.lastRun.status === 'error' ? 'error' : 'ok',
          removed: row.lastRun.removed,
        }
      : null,
    doctor: null,
    green: reasons.length === 0,
    reasons,
  };
}

/**
 * The figures of the transparency page, computed now from the retention runs and the stored
 * doctor results (never from a doctor run of its own, so a page view stays cheap).
 */
export async function transparencyFigures(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
): Promise<TransparencyFigures> {
  const rows = await retentionStatus(deps);
  const promises = rows.map(figureOf);
  return {
    format: 1,
    generatedAt: deps.clock.now().toISOString(),
    club: deps.config.club.name,
    policyVersion: policyVersion(deps.config),
    doctorCheckedAt: null,
    promises,
    allGreen: promises.every((figure) => figure.green),
  };
}
