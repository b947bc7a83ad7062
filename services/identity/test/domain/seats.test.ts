import { ALL_PERMISSIONS, SYSTEM_ROLE_PERMISSIONS } from '@platform/domain';
import { PLAN_IDS } from '@platform/events/catalog';
import {
  FREE_STANDING,
  permissionsForSeat,
  SEATLESS_KEEPS,
  seatsRequiredBy,
} from '../../src/modules/authentication/domain/seats';

describe('the seat rule', () => {
  const agent = [...SYSTEM_ROLE_PERMISSIONS.agent];

  it('needs seats on every plan priced per seat, not on Free', () => {
    expect(PLAN_IDS.map((plan) => [plan, seatsRequiredBy(plan)])).toEqual([
      ['free', false],
      ['basic', true],
      ['pro', true],
      ['enterprise', true],
    ]);
    expect(seatsRequiredBy('unknown')).toBe(false);
  });

  it('leaves everything to members of Free and to seated members', () => {
    expect(permissionsForSeat(agent, FREE_STANDING)).toEqual(agent);
    expect(permissionsForSeat(agent, { seatsRequired: false, seated: false })).toEqual(agent);
    expect(permissionsForSeat(ALL_PERMISSIONS, { seatsRequired: true, seated: true })).toEqual(
      ALL_PERMISSIONS,
    );
  });

  it('narrows a seatless member of a paid plan to reading', () => {
    const narrowed = permissionsForSeat(agent, { seatsRequired: true, seated: false });
    expect(narrowed).toEqual(agent.filter((permission) => /:(read|read_pii)$/.test(permission)));
    expect(narrowed).toContain('contacts:read_pii');
    expect(narrowed.filter((permission) => permission.endsWith(':write'))).toEqual([]);
  });

  it('keeps billing:manage for a seatless owner, so seats can still be given (nobody is locked out)', () => {
    const narrowed = permissionsForSeat(ALL_PERMISSIONS, { seatsRequired: true, seated: false });
    expect(SEATLESS_KEEPS).toEqual(['billing:manage']);
    expect(narrowed).toContain('billing:manage');
    expect(narrowed.sort()).toEqual(
      ALL_PERMISSIONS.filter(
        (permission) => /:(read|read_pii)$/.test(permission) || permission === 'billing:manage',
      ).sort(),
    );
    expect(narrowed).not.toContain('users:invite');
    expect(narrowed).not.toContain('audit:export');
  });
});
