/** The dashboard route: the inbox's figures as a sentence (counts only: no names, no message text). */

export interface InboxFigures {
  /** Conversations not closed. */
  open: number;
  /** Of those, waiting for a reply. */
  needsReply: number;
  /** Waiting for a reply with nobody assigned. */
  unassignedNeedingReply: number;
  /** Unread inbound messages in conversations not closed. */
  unread: number;
  /** Waiting for a reply, by channel, most first. */
  needsReplyByPlatform: Array<{ platform: string; count: number }>;
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

export function dashboardAnswer(figures: InboxFigures): string {
  const { open, needsReply, unassignedNeedingReply, unread, needsReplyByPlatform } = figures;
  if (open === 0) return 'Your inbox is empty: there are no open conversations.';
  const waiting =
    needsReply === 0
      ? 'No conversation needs a reply.'
      : `${plural(needsReply, 'conversation needs', 'conversations need')} a reply` +
        ` (${needsReplyByPlatform.map((entry) => `${entry.platform} ${entry.count}`).join(', ')})` +
        (unassignedNeedingReply > 0 ? `, ${unassignedNeedingReply} of them unassigned.` : '.');
  return `${waiting} ${plural(open, 'conversation is', 'conversations are')} open, with ${plural(unread, 'unread message', 'unread messages')}.`;
}
