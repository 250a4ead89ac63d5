import assert from 'node:assert/strict';
import { test } from 'node:test';
import { limitationDate, nextStage, type Stage } from './claims.ts';

const STAGES: Stage[] = [
  { id: 'friendly', afterDays: 14 },
  { id: 'first', afterDays: 28 },
  { id: 'second', afterDays: 42 },
];

test('a claim is time-barred three years after the end of the year it arose in (§§ 195, 199 BGB)', () => {
  assert.equal(limitationDate('2026-01-01'), '2029-12-31');
  assert.equal(limitationDate('2026-12-31'), '2029-12-31');
});

test('the first stage comes when the oldest unpaid due is its days overdue, not before', () => {
  assert.deepEqual(nextStage(STAGES, '2026-03-01', [], '2026-03-14'), {
    kind: 'waiting',
    next: STAGES[0],
    on: '2026-03-15',
  });
  assert.equal(nextStage(STAGES, '2026-03-01', [], '2026-03-15').kind, 'due');
});

test('stages go in order, each once, with their days between them', () => {
  const sent = [{ stage: 'friendly', claimDueOn: '2026-03-01', on: '2026-04-20' }];
  // Long overdue, but the friendly reminder went out only on 20 April: 14 days later comes the first.
  assert.deepEqual(nextStage(STAGES, '2026-03-01', sent, '2026-05-01'), {
    kind: 'waiting',
    next: STAGES[1],
    on: '2026-05-04',
  });
  const due = nextStage(STAGES, '2026-03-01', sent, '2026-05-04');
  assert.equal(due.kind === 'due' && due.stage.id, 'first');
  const all = ['friendly', 'first', 'second'].map((stage) => ({
    stage,
    claimDueOn: '2026-03-01',
    on: '2026-04-01',
  }));
  assert.deepEqual(nextStage(STAGES, '2026-03-01', all, '2027-01-01'), { kind: 'done' });
});

test('a new claim (another oldest due) starts again with the first stage', () => {
  const sent = [{ stage: 'friendly', claimDueOn: '2026-03-01', on: '2026-03-15' }];
  const decision = nextStage(STAGES, '2026-04-01', sent, '2026-04-20');
  assert.equal(decision.kind === 'due' && decision.stage.id, 'friendly');
});
