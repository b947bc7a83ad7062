/** Invitations by email: single-use tokens that expire after seven days. No Prisma or GraphQL here. */
import { randomUUID } from 'node:crypto';
import { conflict, enumObject } from '@platform/domain';
import { createEvent, type CatalogEvent } from '@platform/events/catalog';
import { EVENT_SOURCE } from '../../organization/domain/organization';

export interface Invitation {
  id: string;
  organizationId: string;
  userId: string;
  email: string;
  invitedById: string | null;
  expiresAt: Date;
  sentCount: number;
  lastSentAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export const INVITATION_STATUSES = ['pending', 'accepted', 'revoked', 'expired'] as const;
export const InvitationStatus = enumObject(INVITATION_STATUSES);
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;
/** Resending waits this long after the last send (the inbox is not a target). */
export const RESEND_INTERVAL_MS = 60_000;

export type EmailRequested = CatalogEvent<'identity.email.requested.v1'>;

export function invitationStatus(invitation: Invitation, now: Date): InvitationStatus {
  if (invitation.acceptedAt) return 'accepted';
  if (invitation.revokedAt) return 'revoked';
  return invitation.expiresAt.getTime() <= now.getTime() ? 'expired' : 'pending';
}

/** A single-use secret and its hash (only the hash is stored). */
export interface IssuedSecret {
  token: string;
  tokenHash: string;
}

export function newInvitation(
  input: { organizationId: string; userId: string; email: string; invitedById: string | null },
  now: Date,
): Invitation {
  return {
    id: randomUUID(),
    ...input,
    expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
    sentCount: 1,
    lastSentAt: now,
    acceptedAt: null,
    revokedAt: null,
    createdAt: now,
  };
}

/** The invitation sent again: a new token, seven more days. Accepted or revoked ones cannot be. */
export function resent(invitation: Invitation, now: Date): Invitation {
  const status = invitationStatus(invitation, now);
  if (status === 'accepted' || status === 'revoked') throw conflict(`The invitation was ${status}`);
  if (now.getTime() - invitation.lastSentAt.getTime() < RESEND_INTERVAL_MS) {
    throw conflict('The invitation was sent less than a minute ago');
  }
  return {
    ...invitation,
    expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
    sentCount: invitation.sentCount + 1,
    lastSentAt: now,
  };
}

/** The email that carries an invitation, as an event for the notification service. */
export function invitationEmail(
  invitation: Invitation,
  secret: IssuedSecret,
  context: { organizationName: string; inviterName: string | null; acceptUrl: string; locale: string | null },
): EmailRequested {
  const url = new URL(context.acceptUrl);
  url.searchParams.set('token', secret.token);
  return createEvent('identity.email.requested.v1', {
    source: EVENT_SOURCE,
    subject: invitation.userId,
    tenantId: invitation.organizationId,
    time: invitation.lastSentAt,
    data: {
      messageId: randomUUID(),
      organizationId: invitation.organizationId,
      to: invitation.email,
      template: 'invitation',
      locale: context.locale,
      variables: {
        organizationName: context.organizationName,
        inviterName: context.inviterName ?? 'A colleague',
        acceptUrl: url.toString(),
        token: secret.token,
        expiresAt: invitation.expiresAt.toISOString(),
      },
    },
  });
}
