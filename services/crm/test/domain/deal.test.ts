import { InputIssues } from '@platform/domain';
import { domainErrorOf } from '@platform/domain/testing';
import {
  checkDealFields,
  createDeal,
  deleteDeal,
  moveDeal,
  placeDeal,
  restoreDeal,
  updateDeal,
  utcDay,
  type Deal,
  type DealFields,
  type DealFieldsInput,
  type Placement,
} from '../../src/modules/deal/domain/deal';
import { checkBoardFilter } from '../../src/modules/deal/domain/deal-operations';
import { checkAmount, checkCurrency, sameAmount, weightedAmount } from '../../src/modules/deal/domain/money';
import type { Pipeline, PipelineStage, PipelineStageKind } from '../../src/modules/deal/domain/pipeline';

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const USER = '5d1e8c3a-7b24-4f6e-9c0d-1a2b3c4d5e6f';
const DEAL = '7f3c2b1a-0e9d-4c8b-a7f6-e5d4c3b2a190';
const MOVE = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const CREATED = new Date('2026-11-30T09:30:00.000Z');
const LATER = new Date('2026-12-02T23:30:00.000Z');

const pipeline = (overrides: Partial<Pipeline> = {}): Pipeline => ({
  id: 'a0000000-0000-4000-8000-000000000001',
  organizationId: ORGANIZATION,
  name: 'Sales',
  currency: 'EUR',
  isDefault: true,
  version: 1,
  createdBy: USER,
  updatedBy: USER,
  createdAt: CREATED,
  updatedAt: CREATED,
  deletedAt: null,
  ...overrides,
});

const stage = (
  position: number,
  kind: PipelineStageKind,
  probability: number,
  overrides: Partial<PipelineStage> = {},
): PipelineStage => ({
  id: `b0000000-0000-4000-8000-00000000000${position}`,
  organizationId: ORGANIZATION,
  pipelineId: pipeline().id,
  name: `Stage ${position}`,
  position,
  probability,
  kind,
  createdAt: CREATED,
  removedAt: null,
  ...overrides,
});

const QUALIFY = stage(0, 'open', 10);
const PROPOSE = stage(1, 'open', 50);
const WON = stage(2, 'won', 100);
const LOST = stage(3, 'lost', 0);
const STAGES = [QUALIFY, PROPOSE, WON, LOST];
const at = (target: PipelineStage): Placement => ({ pipeline: pipeline(), stage: target });

/** A deal created from raw input, checked as the operations check it. */
function created(input: DealFieldsInput = {}, target: PipelineStage = QUALIFY, now = CREATED) {
  const issues = new InputIssues();
  const fields = checkDealFields(input, issues);
  const result = createDeal(
    { id: DEAL, moveId: MOVE, organizationId: ORGANIZATION, createdBy: USER, defaultOwnerId: USER },
    { ...fields, name: fields.name ?? 'Website relaunch' },
    at(target),
    now,
    issues,
  );
  return { ...result, issues: issues.list.map((issue) => `${issue.path}: ${issue.message}`) };
}

const aDeal = (fields: DealFieldsInput = {}, target: PipelineStage = QUALIFY): Deal => {
  const { deal, issues } = created(fields, target);
  expect(issues).toEqual([]);
  return deal;
};

function moved(
  deal: Deal,
  target: PipelineStage,
  options = {},
  expectedVersion: number | null = deal.version,
) {
  return moveDeal(
    deal,
    at(target),
    { expectedVersion, moveId: MOVE, by: USER, now: LATER, cause: 'moved' },
    options,
    new InputIssues(),
  );
}

describe('money', () => {
  it('takes ISO 4217 codes the runtime knows, upper-cased', () => {
    const issues = new InputIssues();
    expect(checkCurrency(issues, 'currency', ' eur ')).toBe('EUR');
    checkCurrency(issues, 'a', 'EURO');
    checkCurrency(issues, 'b', 'XYZ');
    expect(issues.list.map((issue) => issue.path)).toEqual(['a', 'b']);
  });

  it('refuses negative amounts and keeps others canonical', () => {
    const issues = new InputIssues();
    expect(checkAmount(issues, 'amount', '1250.50')).toBe('1250.5');
    expect(checkAmount(issues, 'amount', '0')).toBe('0');
    checkAmount(issues, 'negative', '-1');
    checkAmount(issues, 'garbage', '1e5');
    expect(issues.list.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'negative: must be 0 or more',
      'garbage: must be a decimal number with at most 15 integer digits and 4 decimals',
    ]);
  });

  it('weights amounts exactly, rounding half up to 4 decimals', () => {
    expect(weightedAmount('1000', 25)).toBe('250');
    expect(weightedAmount('0.0001', 50)).toBe('0.0001');
    expect(weightedAmount('0.0001', 49)).toBe('0');
    expect(weightedAmount('999999999999999.9999', 100)).toBe('999999999999999.9999');
    expect(weightedAmount('0.1', 3)).toBe('0.003');
    expect(weightedAmount('12.3456', 0)).toBe('0');
  });

  it('compares amounts by value', () => {
    expect(sameAmount('1.50', '1.5')).toBe(true);
    expect(sameAmount('1.5', '1.51')).toBe(false);
    expect(sameAmount(null, '0')).toBe(false);
    expect(sameAmount(null, null)).toBe(true);
  });
});

describe('deal rules', () => {
  describe('placing', () => {
    const state = { pipeline: pipeline(), stages: STAGES, stage: null };

    it('puts a deal in the first open stage of its pipeline unless it names a stage', () => {
      const issues = new InputIssues();
      expect(placeDeal({}, state, issues)?.stage.id).toBe(QUALIFY.id);
      expect(placeDeal({ stageId: WON.id }, { ...state, stage: WON }, issues)?.stage.id).toBe(WON.id);
      expect(issues.list).toEqual([]);
    });

    it('refuses removed stages, deleted pipelines, a stage of another pipeline and a missing default', () => {
      const issues = new InputIssues();
      placeDeal({ stageId: WON.id }, { ...state, stage: { ...WON, removedAt: CREATED } }, issues);
      placeDeal(
        { stageId: WON.id },
        { ...state, stage: WON, pipeline: pipeline({ deletedAt: CREATED }) },
        issues,
      );
      placeDeal({ stageId: WON.id, pipelineId: MOVE }, { ...state, stage: WON }, issues);
      placeDeal({}, { pipeline: null, stages: [], stage: null }, issues);
      placeDeal({ pipelineId: MOVE }, { pipeline: null, stages: [], stage: null }, issues);
      expect(issues.list.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
        'stageId: is not a stage of a pipeline of the organization',
        'stageId: is not a stage of a pipeline of the organization',
        'stageId: is not a stage of this pipeline',
        'pipelineId: is needed: the organization has no default pipeline yet (create a pipeline first)',
        'pipelineId: is not a pipeline of the organization',
      ]);
    });
  });

  describe('creating', () => {
    it('creates an open deal with its stage’s probability, its pipeline’s currency, the creator as owner', () => {
      const { deal, move, events, issues } = created({ amount: '1200', tags: [' web ', 'web', 'q4'] });
      expect(issues).toEqual([]);
      expect(deal).toMatchObject({
        status: 'open',
        probability: 10,
        currency: 'EUR',
        amount: '1200',
        ownerId: USER,
        actualCloseDate: null,
        lostReason: null,
        tags: ['web', 'q4'],
        version: 1,
        stageEnteredAt: CREATED,
      });
      expect(move).toEqual({
        id: MOVE,
        organizationId: ORGANIZATION,
        dealId: DEAL,
        fromStageId: null,
        toStageId: QUALIFY.id,
        movedBy: USER,
        createdAt: CREATED,
      });
      expect(events.map((event) => event.type)).toEqual(['crm.deal.created.v1']);
      expect(events[0]?.data).toEqual({
        dealId: DEAL,
        organizationId: ORGANIZATION,
        pipelineId: pipeline().id,
        stageId: QUALIFY.id,
        status: 'open',
        ownerId: USER,
        contactId: null,
        companyId: null,
        createdBy: USER,
        createdAt: CREATED.toISOString(),
      });
    });

    it('takes an overridden probability and currency for an open deal, and no owner when told', () => {
      expect(aDeal({ probability: 35, currency: 'USD', ownerId: null })).toMatchObject({
        probability: 35,
        currency: 'USD',
        ownerId: null,
      });
    });

    it('closes a deal created in a won or lost stage today (UTC) unless told, with the stage’s fixed probability', () => {
      const late = new Date('2026-11-30T23:59:00.000-05:00');
      const won = created({}, WON, late);
      expect(won.deal).toMatchObject({ status: 'won', probability: 100, actualCloseDate: utcDay(late) });
      expect(won.deal.actualCloseDate?.toISOString()).toBe('2026-12-01T00:00:00.000Z');
      expect(won.events.map((event) => event.type)).toEqual(['crm.deal.created.v1', 'crm.deal.won.v1']);
      const lost = created({ lostReason: 'Budget', actualCloseDate: new Date('2026-11-01') }, LOST);
      expect(lost.deal).toMatchObject({ status: 'lost', probability: 0, lostReason: 'Budget' });
      expect(lost.deal.actualCloseDate?.toISOString()).toBe('2026-11-01T00:00:00.000Z');
      expect(lost.events[1]?.data).toEqual({
        dealId: DEAL,
        organizationId: ORGANIZATION,
        pipelineId: pipeline().id,
        stageId: LOST.id,
        actualCloseDate: '2026-11-01',
        closedBy: USER,
        closedAt: CREATED.toISOString(),
      });
    });

    it('refuses closing fields the stage does not allow', () => {
      expect(created({ probability: 50, lostReason: 'Why', actualCloseDate: CREATED }).issues).toEqual([
        'actualCloseDate: is set when the deal is won or lost, not while it is open',
        'lostReason: is only for a lost deal',
      ]);
      expect(created({ probability: 50 }, WON).issues).toEqual(['probability: is 100 for a won deal']);
      expect(created({ lostReason: 'Why' }, WON).issues).toEqual(['lostReason: is only for a lost deal']);
    });

    it('reports every problem of the fields at once', () => {
      const issues = new InputIssues();
      checkDealFields(
        {
          name: ' ',
          description: 'x'.repeat(10_001),
          amount: '-5',
          currency: 'euros',
          probability: 101,
          expectedCloseDate: new Date('0000-06-01T00:00:00.000Z'),
          lostReason: 'x'.repeat(1_001),
          contactId: 'nope',
          ownerId: 'nope',
          companyId: 'nope',
          tags: ['ok', ' ', 'x'.repeat(65)],
        },
        issues,
      );
      expect(issues.list.map((issue) => issue.path)).toEqual([
        'name',
        'description',
        'lostReason',
        'amount',
        'currency',
        'probability',
        'expectedCloseDate',
        'ownerId',
        'contactId',
        'companyId',
        'tags.1',
        'tags.2',
      ]);
    });
  });

  describe('updating', () => {
    const change = (deal: Deal, fields: DealFields, expectedVersion = deal.version) =>
      updateDeal(deal, fields, expectedVersion, USER, LATER, new InputIssues());

    it('names the fields that really changed and bumps the version', () => {
      const deal = aDeal({ amount: '100' });
      const {
        deal: updated,
        events,
        changedFields,
      } = change(deal, {
        amount: '100.00',
        probability: 40,
        tags: ['a'],
        name: 'Website relaunch',
        description: 'Phase 2',
      });
      expect(changedFields).toEqual(['description', 'probability', 'tags']);
      expect(updated).toMatchObject({ version: 2, probability: 40, updatedAt: LATER });
      expect(events[0]?.data).toMatchObject({ changedFields, version: 2, status: 'open' });
    });

    it('changes nothing (no event, same version) when nothing changes', () => {
      const deal = aDeal({ amount: '100' });
      const { deal: same, events } = change(deal, { amount: '100.0', name: 'Website relaunch' });
      expect(same).toBe(deal);
      expect(events).toEqual([]);
    });

    it('refuses a stale version with CONFLICT', () => {
      const error = domainErrorOf(() => change(aDeal(), { name: 'New' }, 4));
      expect(error.code).toBe('CONFLICT');
      expect(error.details).toEqual({ expectedVersion: 4, currentVersion: 1 });
    });

    it('keeps a closed deal’s probability and close date, and a lost reason for lost deals', () => {
      const won = aDeal({}, WON);
      const error = domainErrorOf(() =>
        change(won, { probability: 90, actualCloseDate: null, lostReason: 'Nope' }),
      );
      expect(error.details).toEqual({
        issues: [
          { path: 'probability', message: 'is 100 for a won deal', code: 'invalid' },
          {
            path: 'actualCloseDate',
            message: 'cannot be cleared while the deal is closed (reopen it instead)',
            code: 'invalid',
          },
          { path: 'lostReason', message: 'is only for a lost deal', code: 'invalid' },
        ],
      });
      const corrected = change(won, { actualCloseDate: new Date('2026-11-15'), probability: 100 });
      expect(corrected.changedFields).toEqual(['actualCloseDate']);
    });
  });

  describe('moving', () => {
    it('moves an open deal on, taking the new stage’s probability and recording where it came from', () => {
      const deal = aDeal({ probability: 35 });
      const { deal: next, move, events } = moved(deal, PROPOSE);
      expect(next).toMatchObject({ stageId: PROPOSE.id, probability: 50, status: 'open', version: 2 });
      expect(next.stageEnteredAt).toEqual(LATER);
      expect(move).toMatchObject({ fromStageId: QUALIFY.id, toStageId: PROPOSE.id, createdAt: LATER });
      expect(events.map((event) => event.type)).toEqual(['crm.deal.stage_moved.v1']);
      expect(events[0]?.data).toEqual({
        dealId: DEAL,
        organizationId: ORGANIZATION,
        fromPipelineId: pipeline().id,
        fromStageId: QUALIFY.id,
        toPipelineId: pipeline().id,
        toStageId: PROPOSE.id,
        fromStatus: 'open',
        status: 'open',
        cause: 'moved',
        version: 2,
        movedBy: USER,
        movedAt: LATER.toISOString(),
      });
    });

    it('wins a deal today (UTC), loses one with a reason, and reopens one without its close date and reason', () => {
      const won = moved(aDeal(), WON);
      expect(won.deal).toMatchObject({ status: 'won', probability: 100 });
      expect(won.deal.actualCloseDate?.toISOString()).toBe('2026-12-02T00:00:00.000Z');
      expect(won.events.map((event) => event.type)).toEqual(['crm.deal.stage_moved.v1', 'crm.deal.won.v1']);

      const lost = moved(won.deal, LOST, {
        lostReason: ' Went with a competitor ',
        actualCloseDate: new Date('2026-12-01'),
      });
      expect(lost.deal).toMatchObject({
        status: 'lost',
        probability: 0,
        lostReason: 'Went with a competitor',
      });
      expect(lost.deal.actualCloseDate?.toISOString()).toBe('2026-12-01T00:00:00.000Z');
      expect(lost.events.map((event) => event.type)).toEqual(['crm.deal.stage_moved.v1', 'crm.deal.lost.v1']);
      expect(JSON.stringify(lost.events)).not.toContain('competitor');

      const reopened = moved(lost.deal, PROPOSE);
      expect(reopened.deal).toMatchObject({
        status: 'open',
        probability: 50,
        actualCloseDate: null,
        lostReason: null,
      });
      expect(reopened.events[0]?.data).toMatchObject({ fromStatus: 'lost', status: 'open' });
    });

    it('keeps a lost deal’s close date and reason when it moves to another lost stage', () => {
      const lost = moved(aDeal(), LOST, { lostReason: 'Budget' }).deal;
      const otherLost = { ...LOST, id: 'b0000000-0000-4000-8000-000000000099', pipelineId: MOVE };
      const again = moveDeal(
        lost,
        { pipeline: pipeline({ id: MOVE }), stage: otherLost },
        {
          expectedVersion: lost.version,
          moveId: MOVE,
          by: USER,
          now: new Date('2027-01-05T10:00:00Z'),
          cause: 'moved',
        },
        {},
        new InputIssues(),
      );
      expect(again.deal).toMatchObject({
        pipelineId: MOVE,
        lostReason: 'Budget',
        actualCloseDate: lost.actualCloseDate,
      });
      expect(again.events.map((event) => event.type)).toEqual(['crm.deal.stage_moved.v1']);
    });

    it('refuses a stale version, a move to the current stage, and options the target does not take', () => {
      const deal = aDeal();
      expect(domainErrorOf(() => moved(deal, PROPOSE, {}, 7)).code).toBe('CONFLICT');
      expect(domainErrorOf(() => moved(deal, QUALIFY)).details).toEqual({ stageId: QUALIFY.id });
      const error = domainErrorOf(() =>
        moved(deal, WON, { lostReason: 'No', actualCloseDate: new Date('0000-01-01') }),
      );
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(
        (error.details as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path),
      ).toEqual(['actualCloseDate', 'lostReason']);
    });

    it('moves without a version check when the pipeline moves a removed stage’s deals', () => {
      const deal = { ...aDeal(), version: 9 };
      expect(moved(deal, PROPOSE, {}, null).deal.version).toBe(10);
    });
  });

  describe('deleting and restoring', () => {
    it('soft-deletes and restores into the same stage', () => {
      const deal = aDeal();
      const deleted = deleteDeal(deal, USER, LATER);
      expect(deleted.deal).toMatchObject({ deletedAt: LATER, version: 2 });
      expect(domainErrorOf(() => deleteDeal(deleted.deal, USER, LATER)).code).toBe('CONFLICT');
      const restored = restoreDeal(deleted.deal, { pipeline: pipeline(), stage: QUALIFY }, USER, LATER);
      expect(restored.deal).toMatchObject({ deletedAt: null, version: 3, stageId: QUALIFY.id });
      expect(restored.events[0]?.data).toMatchObject({ dealId: DEAL, stageId: QUALIFY.id, status: 'open' });
      expect(
        domainErrorOf(() => restoreDeal(deal, { pipeline: pipeline(), stage: QUALIFY }, USER, LATER)).code,
      ).toBe('CONFLICT');
    });

    it('refuses to restore into a removed stage or a deleted pipeline', () => {
      const deleted = deleteDeal(aDeal(), USER, LATER).deal;
      const removedStage = domainErrorOf(() =>
        restoreDeal(deleted, { pipeline: pipeline(), stage: { ...QUALIFY, removedAt: LATER } }, USER, LATER),
      );
      expect(removedStage.details).toEqual({ stageId: QUALIFY.id });
      const deletedPipeline = domainErrorOf(() =>
        restoreDeal(deleted, { pipeline: pipeline({ deletedAt: LATER }), stage: QUALIFY }, USER, LATER),
      );
      expect(deletedPipeline.details).toEqual({ pipelineId: pipeline().id });
    });
  });

  it('checks a board filter', () => {
    const issues = new InputIssues();
    checkBoardFilter(
      {
        ownerId: 'x',
        amountFrom: '-1',
        expectedCloseFrom: new Date('2026-12-31'),
        expectedCloseTo: new Date('2026-01-01'),
      },
      issues,
    );
    checkBoardFilter({ expectedCloseFrom: new Date('0000-06-01T00:00:00.000Z') }, issues, 'other');
    expect(issues.list.map((issue) => issue.path)).toEqual([
      'filter.ownerId',
      'filter.amountFrom',
      'filter.expectedCloseTo',
      'other.expectedCloseFrom',
    ]);
  });
});
