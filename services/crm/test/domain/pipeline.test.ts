import { InputIssues } from '@platform/domain';
import { domainErrorOf } from '@platform/domain/testing';
import {
  checkPipelineChanges,
  createPipeline,
  DEFAULT_STAGES,
  deletePipeline,
  draftPipeline,
  firstOpenStage,
  planStages,
  updatePipeline,
  type CreatePipelineInput,
  type PipelineWithStages,
  type StageInput,
} from '../../src/modules/deal/domain/pipeline';

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const USER = '5d1e8c3a-7b24-4f6e-9c0d-1a2b3c4d5e6f';
const CREATED = new Date('2026-11-30T09:00:00.000Z');
const LATER = new Date('2026-11-30T10:00:00.000Z');

/** UUIDs from a counter, starting with `prefix` (one hex digit), so tests can tell whose they are. */
function ids(prefix: string) {
  let next = 0;
  return () => {
    next += 1;
    return `${prefix}0000000-0000-4000-8000-${String(next).padStart(12, '0')}`;
  };
}

function drafted(input: Partial<CreatePipelineInput> = {}, prefix = 'a') {
  const issues = new InputIssues();
  const newId = ids(prefix);
  const pipeline = draftPipeline(
    { id: newId(), organizationId: ORGANIZATION, createdBy: USER },
    { name: 'Sales', ...input },
    CREATED,
    newId,
    issues,
  );
  return { pipeline, issues: issues.list.map((issue) => `${issue.path}: ${issue.message}`) };
}

const aPipeline = (input: Partial<CreatePipelineInput> = {}, prefix = 'a'): PipelineWithStages => {
  const { pipeline, issues } = drafted(input, prefix);
  expect(issues).toEqual([]);
  return pipeline;
};

/** The stage list of `pipeline` as an update would name it: every stage kept. */
const kept = (pipeline: PipelineWithStages): StageInput[] =>
  pipeline.stages.map(({ id, name, probability, kind }) => ({ id, name, probability, kind }));

const update = (
  current: PipelineWithStages,
  changes: Parameters<typeof checkPipelineChanges>[0],
  dealCounts: Record<string, number> = {},
  live: PipelineWithStages[] = [current],
) => {
  const issues = new InputIssues();
  const checked = checkPipelineChanges(changes, issues);
  const result = updatePipeline(
    current,
    live.map((other) => other.pipeline),
    checked,
    new Map(Object.entries(dealCounts)),
    { expectedVersion: current.pipeline.version, by: USER, now: LATER, newId: ids('b') },
    issues,
  );
  return result;
};

describe('pipeline rules', () => {
  describe('stages', () => {
    it('gives a pipeline without stages the default sales stages, in order, from 10 % to won and lost', () => {
      const { stages, pipeline } = aPipeline();
      expect(
        stages.map(({ name, position, probability, kind }) => ({ name, position, probability, kind })),
      ).toEqual(
        DEFAULT_STAGES.map((stage, position) => ({
          name: stage.name,
          position,
          probability: stage.probability ?? (stage.kind === 'won' ? 100 : 0),
          kind: stage.kind,
        })),
      );
      expect(pipeline).toMatchObject({ name: 'Sales', currency: 'USD', isDefault: false, version: 1 });
      expect(new Set(stages.map((stage) => stage.id)).size).toBe(stages.length);
    });

    it('needs at least one open stage and exactly one won and one lost stage, 3 to 30 of them', () => {
      const message =
        'stages: needs at least one open stage, exactly one won stage and exactly one lost stage';
      const tooFew = [
        { name: 'Won', kind: 'won' as const },
        { name: 'Lost', kind: 'lost' as const },
      ];
      expect(drafted({ stages: tooFew }).issues).toEqual(['stages: must have 3–30 stages', message]);
      const twoWon = [
        { name: 'Open', probability: 10 },
        { name: 'Won', kind: 'won' as const },
        { name: 'Won again', kind: 'won' as const },
      ];
      expect(drafted({ stages: twoWon }).issues).toEqual([message]);
      const many = Array.from({ length: 29 }, (_, index) => ({ name: `S${index}`, probability: 50 }));
      expect(
        drafted({ stages: [...many, { name: 'Won', kind: 'won' }, { name: 'Lost', kind: 'lost' }] }).issues,
      ).toEqual(['stages: must have 3–30 stages']);
    });

    it('reports every stage problem at once, by path', () => {
      const { issues } = drafted({
        name: ' ',
        currency: 'euro',
        stages: [
          { name: ' ', probability: 10 },
          { name: 'Demo' },
          { name: 'demo', probability: 101 },
          { name: 'Won', kind: 'won', probability: 90 },
          { name: 'Lost', kind: 'lost', probability: 0.5 },
          { id: '7f3c2b1a-0e9d-4c8b-a7f6-e5d4c3b2a190', name: 'Kept?', probability: 20 },
        ],
      });
      expect(issues).toEqual([
        'name: must be 1–100 characters',
        'currency: must be an ISO 4217 currency code, e.g. EUR',
        'stages.0.name: must be 1–64 characters',
        'stages.1.probability: is required for an open stage',
        'stages.2.name: is the name of another stage of the pipeline',
        'stages.2.probability: must be a whole percentage, 0–100',
        'stages.3.probability: must be 100 for a won stage',
        'stages.4.probability: must be a whole percentage, 0–100',
        'stages.5.id: is not a stage of this pipeline',
      ]);
    });

    it('keeps stages named by id (renamed, moved) and gives new ones ids of their own', () => {
      const current = aPipeline();
      const [qualification, analysis] = current.stages;
      const issues = new InputIssues();
      const planned = planStages(
        [
          { id: analysis?.id, name: 'Discovery', probability: 30 },
          { id: qualification?.id, name: 'Qualification', probability: 10 },
          { name: 'Trial', probability: 60 },
          ...kept(current).slice(2),
        ],
        {
          organizationId: ORGANIZATION,
          pipelineId: current.pipeline.id,
          existing: current.stages,
          now: LATER,
        },
        ids('c'),
        issues,
      );
      expect(issues.list).toEqual([]);
      expect(planned.slice(0, 3).map(({ id, name, position }) => ({ id, name, position }))).toEqual([
        { id: analysis?.id, name: 'Discovery', position: 0 },
        { id: qualification?.id, name: 'Qualification', position: 1 },
        { id: 'c0000000-0000-4000-8000-000000000001', name: 'Trial', position: 2 },
      ]);
      expect(planned[0]?.createdAt).toEqual(CREATED);
      expect(planned[2]?.createdAt).toEqual(LATER);
    });

    it('finds the first open stage by position', () => {
      const { stages } = aPipeline({
        stages: [
          { name: 'Won', kind: 'won' },
          { name: 'Second', probability: 20 },
          { name: 'Lost', kind: 'lost' },
        ],
      });
      expect(firstOpenStage(stages)?.name).toBe('Second');
    });
  });

  describe('creating', () => {
    it('makes the organization’s first pipeline the default', () => {
      const { created, demoted, events } = createPipeline(aPipeline(), []);
      expect(created.pipeline.isDefault).toBe(true);
      expect(demoted).toBeNull();
      expect(events.map((event) => event.type)).toEqual(['crm.pipeline.created.v1']);
      expect(events[0]?.data).toEqual({
        pipelineId: created.pipeline.id,
        organizationId: ORGANIZATION,
        isDefault: true,
        stages: created.stages.map((stage) => ({
          stageId: stage.id,
          position: stage.position,
          kind: stage.kind,
          probability: stage.probability,
        })),
        createdBy: USER,
        createdAt: CREATED.toISOString(),
      });
    });

    it('leaves the default alone unless asked, and moves it when asked', () => {
      const first = createPipeline(aPipeline({ name: 'First' }, 'a'), []).created;
      const second = createPipeline(aPipeline({ name: 'Second' }, 'b'), [first]);
      expect(second.created.pipeline.isDefault).toBe(false);
      expect(second.demoted).toBeNull();
      const third = createPipeline(aPipeline({ name: 'Third', isDefault: true }, 'c'), [
        first,
        second.created,
      ]);
      expect(third.created.pipeline.isDefault).toBe(true);
      expect(third.demoted).toMatchObject({ id: first.pipeline.id, isDefault: false, version: 2 });
      expect(third.events.map((event) => [event.type, event.subject])).toEqual([
        ['crm.pipeline.updated.v1', first.pipeline.id],
        ['crm.pipeline.created.v1', third.created.pipeline.id],
      ]);
    });

    it('refuses a name another live pipeline has, whatever its case, with CONFLICT', () => {
      const first = createPipeline(aPipeline({ name: 'Sales' }, 'a'), []).created;
      const error = domainErrorOf(() => createPipeline(aPipeline({ name: 'SALES' }, 'b'), [first]));
      expect(error.code).toBe('CONFLICT');
      expect(error.details).toEqual({ field: 'name', name: 'SALES' });
    });
  });

  describe('updating', () => {
    it('renames, changes the currency and reorders stages, naming what changed', () => {
      const current = aPipeline();
      const stages = kept(current);
      const [first, second] = stages;
      const result = update(current, {
        name: 'Enterprise',
        currency: 'eur',
        stages: [second ?? stages[0], first ?? stages[0], ...stages.slice(2)].filter(
          (stage): stage is StageInput => stage !== undefined,
        ),
      });
      expect(result?.changedFields).toEqual(['name', 'currency', 'stages']);
      expect(result?.pipeline).toMatchObject({
        name: 'Enterprise',
        currency: 'EUR',
        version: 2,
        updatedAt: LATER,
      });
      expect(result?.stages.slice(0, 2).map((stage) => stage.id)).toEqual([second?.id, first?.id]);
      expect(result?.removed).toEqual([]);
    });

    it('changes nothing (no new version) when nothing changes', () => {
      const current = aPipeline();
      expect(update(current, { name: 'Sales', stages: kept(current) })).toBeNull();
    });

    it('refuses a stale version with CONFLICT', () => {
      const current = aPipeline();
      const issues = new InputIssues();
      const error = domainErrorOf(() =>
        updatePipeline(
          current,
          [current.pipeline],
          { name: 'New', moveDeals: [] },
          new Map(),
          {
            expectedVersion: 3,
            by: USER,
            now: LATER,
            newId: ids('b'),
          },
          issues,
        ),
      );
      expect(error.code).toBe('CONFLICT');
      expect(error.details).toEqual({ expectedVersion: 3, currentVersion: 1 });
    });

    it('removes a stage without deals, and refuses to remove one that holds deals unless they can go elsewhere', () => {
      const current = aPipeline();
      const [qualification, analysis] = current.stages;
      const withoutAnalysis = kept(current).filter((stage) => stage.id !== analysis?.id);
      const removed = update(current, { stages: withoutAnalysis });
      expect(removed?.removed.map((removal) => [removal.stage.id, removal.target])).toEqual([
        [analysis?.id, null],
      ]);
      expect(removed?.removed[0]?.stage.removedAt).toEqual(LATER);
      expect(removed?.stages.map((stage) => stage.position)).toEqual([0, 1, 2, 3, 4]);

      const refused = domainErrorOf(() =>
        update(current, { stages: withoutAnalysis }, { [analysis?.id ?? '']: 3 }),
      );
      expect(refused.code).toBe('CONFLICT');
      expect(refused.details).toEqual({ stageId: analysis?.id, deals: 3 });

      const moved = update(
        current,
        {
          stages: withoutAnalysis,
          moveDeals: [{ fromStageId: analysis?.id ?? '', toStageId: qualification?.id ?? '' }],
        },
        { [analysis?.id ?? '']: 3 },
      );
      expect(moved?.removed.map((removal) => [removal.stage.id, removal.target?.id])).toEqual([
        [analysis?.id, qualification?.id],
      ]);
    });

    it('checks where removed stages’ deals go: a removed stage, to a kept stage of the same kind', () => {
      const current = aPipeline();
      const [qualification, analysis, proposal] = current.stages;
      const won = current.stages.find((stage) => stage.kind === 'won');
      const withoutAnalysis = kept(current).filter((stage) => stage.id !== analysis?.id);
      const error = domainErrorOf(() =>
        update(current, {
          stages: withoutAnalysis,
          moveDeals: [
            { fromStageId: proposal?.id ?? '', toStageId: qualification?.id ?? '' },
            { fromStageId: analysis?.id ?? '', toStageId: won?.id ?? '' },
            { fromStageId: analysis?.id ?? '', toStageId: analysis?.id ?? '' },
          ],
        }),
      );
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.details).toEqual({
        issues: [
          { path: 'moveDeals.0.fromStageId', message: 'is not a stage this change removes', code: 'invalid' },
          {
            path: 'moveDeals.1.toStageId',
            message: "must be of the removed stage's kind (open)",
            code: 'invalid',
          },
          { path: 'moveDeals.2.fromStageId', message: 'is named twice', code: 'invalid' },
          { path: 'moveDeals.2.toStageId', message: 'must be a stage the pipeline keeps', code: 'invalid' },
        ],
      });
    });

    it('refuses to change the kind of a stage that holds deals', () => {
      const current = aPipeline();
      const stages = kept(current);
      const lost = stages.find((stage) => stage.kind === 'lost');
      const negotiation = stages[3];
      // Negotiation becomes the lost stage and the old lost stage becomes open.
      const swapped = stages.map((stage) =>
        stage.id === negotiation?.id
          ? { ...stage, kind: 'lost' as const, probability: 0 }
          : stage.id === lost?.id
            ? { ...stage, kind: 'open' as const, probability: 5 }
            : stage,
      );
      expect(update(current, { stages: swapped })?.changedFields).toEqual(['stages']);
      const error = domainErrorOf(() => update(current, { stages: swapped }, { [negotiation?.id ?? '']: 1 }));
      expect(error.code).toBe('CONFLICT');
      expect(error.details).toEqual({ stageId: negotiation?.id, deals: 1 });
    });

    it('refuses unsetting the default, clearing fields, and moves without a stage list', () => {
      const issues = new InputIssues();
      checkPipelineChanges(
        {
          name: null,
          currency: null,
          isDefault: false,
          stages: null,
          moveDeals: [{ fromStageId: 'x', toStageId: '7f3c2b1a-0e9d-4c8b-a7f6-e5d4c3b2a190' }],
        },
        issues,
      );
      expect(issues.list.map((issue) => issue.path)).toEqual([
        'name',
        'currency',
        'isDefault',
        'stages',
        'moveDeals.0.fromStageId',
        'moveDeals',
      ]);
    });

    it('refuses a name another live pipeline has', () => {
      const current = aPipeline({ name: 'Sales' }, 'a');
      const other = aPipeline({ name: 'Renewals' }, 'b');
      const error = domainErrorOf(() => update(current, { name: 'renewals' }, {}, [current, other]));
      expect(error.code).toBe('CONFLICT');
    });
  });

  describe('deleting', () => {
    it('refuses while open deals are in it', () => {
      const current = aPipeline();
      const error = domainErrorOf(() => deletePipeline(current, [], 2, USER, LATER));
      expect(error.code).toBe('CONFLICT');
      expect(error.details).toEqual({ pipelineId: current.pipeline.id, openDeals: 2 });
    });

    it('hands the default to the oldest other pipeline', () => {
      const current = { ...aPipeline({ name: 'Main' }, 'a') };
      current.pipeline = { ...current.pipeline, isDefault: true };
      const newer = aPipeline({ name: 'Newer' }, 'b');
      newer.pipeline = { ...newer.pipeline, createdAt: LATER };
      const older = aPipeline({ name: 'Older' }, 'c');
      const { pipeline, promoted, events } = deletePipeline(current, [newer, older], 0, USER, LATER);
      expect(pipeline).toMatchObject({ deletedAt: LATER, isDefault: false, version: 2 });
      expect(promoted).toMatchObject({ id: older.pipeline.id, isDefault: true, version: 2 });
      expect(events.map((event) => [event.type, event.subject])).toEqual([
        ['crm.pipeline.deleted.v1', current.pipeline.id],
        ['crm.pipeline.updated.v1', older.pipeline.id],
      ]);
    });
  });
});
