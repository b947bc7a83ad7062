import { buildSchema, type GraphQLSchema } from 'graphql';

/**
 * The realtime endpoint's own schema: Apollo's gateway cannot run subscriptions, so the gateway serves
 * them from this small schema (graphql-ws over WebSocket at /graphql). Type and enum names follow the
 * supergraph's (ConversationPlatform, MessageDirection…); payloads name ids (`conversationId`), not
 * federated entities: a client fetches what it needs with a query to POST /graphql.
 */
export const REALTIME_SDL = /* GraphQL */ `
  """
  An ISO 8601 date and time with its offset, as the supergraph's DateTime.
  """
  scalar DateTime

  """
  Live events of the caller's organization, over WebSocket (graphql-transport-ws protocol, path /graphql).
  Every payload carries ids, enums, counts and times only; fetch details with a query.
  """
  type Subscription {
    """
    A message was added to a conversation: an inbound message stored, or an outbound reply recorded.
    """
    messageAdded(
      """
      Only this conversation's messages (default: every conversation of the organization).
      """
      conversationId: ID
      """
      Only inbound or only outbound messages (default: both).
      """
      direction: MessageDirection
    ): MessageAddedEvent!

    """
    A conversation was opened (by an inbound message on a channel, or by hand).
    """
    conversationStarted: ConversationStartedEvent!

    """
    A conversation changed: a message came in or went out, its status, assignee, contact or read state.
    """
    conversationUpdated(
      """
      Only this conversation's changes (default: every conversation of the organization).
      """
      conversationId: ID
    ): ConversationUpdatedEvent!

    """
    The AI pipeline drafted a reply to an inbound message (pending approval, or auto-approved).
    """
    replyDrafted(
      """
      Only this conversation's drafts (default: every conversation of the organization).
      """
      conversationId: ID
    ): ReplyDraftedEvent!
  }

  """
  Questions about the realtime connection itself; the graph's queries go to POST /graphql.
  """
  type Query {
    """
    This connection: whose it is and what it may do.
    """
    realtimeConnection: RealtimeConnection!
  }

  """
  A realtime connection as the gateway sees it.
  """
  type RealtimeConnection {
    """
    The organization whose events the connection receives.
    """
    organizationId: ID!
    """
    When the connection is closed because its access token expires (close code 4401); null for an API key.
    """
    expiresAt: DateTime
    """
    How many subscriptions the connection may hold at once.
    """
    maxSubscriptions: Int!
    """
    How many events may wait for the client before the gateway drops it (close code 4008).
    """
    maxQueuedEvents: Int!
  }

  """
  A message added to a conversation.
  """
  type MessageAddedEvent {
    """
    The message; read it with the conversation's \`messages\`.
    """
    messageId: ID!
    """
    Its conversation.
    """
    conversationId: ID!
    """
    The organization (always the caller's).
    """
    organizationId: ID!
    """
    Inbound (from the customer) or outbound (a user's reply).
    """
    direction: MessageDirection!
    """
    The channel the conversation runs on.
    """
    platform: ConversationPlatform!
    """
    \`received\` for an inbound message, \`queued\` for a reply just recorded.
    """
    deliveryStatus: MessageDeliveryStatus!
    """
    The connected account an inbound message came in on; null for a reply.
    """
    channelAccountId: ID
    """
    The conversation's contact for an inbound message, once matched; null for a reply.
    """
    contactId: ID
    """
    The user who replied; null for an inbound message.
    """
    senderUserId: ID
    """
    When the sender sent it (the platform's time for inbound, the reply's time for outbound).
    """
    sentAt: DateTime!
    """
    When conversations stored it.
    """
    occurredAt: DateTime!
  }

  """
  A conversation opened.
  """
  type ConversationStartedEvent {
    """
    The conversation.
    """
    conversationId: ID!
    """
    The organization (always the caller's).
    """
    organizationId: ID!
    """
    The channel it runs on.
    """
    platform: ConversationPlatform!
    """
    Its status when opened.
    """
    status: ConversationStatus!
    """
    The contact on the other side, once matched.
    """
    contactId: ID
    """
    When it was opened.
    """
    occurredAt: DateTime!
  }

  """
  A conversation's state after a change.
  """
  type ConversationUpdatedEvent {
    """
    The conversation.
    """
    conversationId: ID!
    """
    The organization (always the caller's).
    """
    organizationId: ID!
    """
    The channel it runs on.
    """
    platform: ConversationPlatform!
    """
    The status after the change.
    """
    status: ConversationStatus!
    """
    The assigned user after the change; null when unassigned.
    """
    assigneeId: ID
    """
    The contact after the change, once matched.
    """
    contactId: ID
    """
    Whether the conversation waits for a reply after the change.
    """
    needsReply: Boolean!
    """
    Inbound messages nobody has read yet, after the change.
    """
    unreadCount: Int!
    """
    What changed.
    """
    changes: [ConversationChange!]!
    """
    When it changed.
    """
    occurredAt: DateTime!
  }

  """
  A reply the AI pipeline drafted.
  """
  type ReplyDraftedEvent {
    """
    The drafted reply.
    """
    replyId: ID!
    """
    Its conversation.
    """
    conversationId: ID!
    """
    The organization (always the caller's).
    """
    organizationId: ID!
    """
    The inbound message it answers.
    """
    inReplyToMessageId: ID!
    """
    The AI task that drafted it.
    """
    aiTaskId: ID!
    """
    \`pending\` (waits for approval) or \`approved\` (auto-approved).
    """
    status: ReplyStatus!
    """
    The model's confidence in the draft, 0 to 1.
    """
    confidence: Float!
    """
    Whether it was approved without a person (its confidence met the organization's threshold).
    """
    autoApproved: Boolean!
    """
    When it was drafted.
    """
    occurredAt: DateTime!
  }

  """
  What changed on a conversation.
  """
  enum ConversationChange {
    """
    A message came in or went out.
    """
    message
    """
    Its status changed.
    """
    status
    """
    It was assigned or unassigned.
    """
    assignee
    """
    Whether it waits for a reply changed.
    """
    needs_reply
    """
    Its messages were read.
    """
    read
    """
    Its contact was matched or changed.
    """
    contact
  }

  """
  The channel a conversation runs on (as the supergraph's ConversationPlatform).
  """
  enum ConversationPlatform {
    """
    Facebook Messenger.
    """
    facebook
    """
    Instagram direct messages.
    """
    instagram
    """
    X (Twitter) direct messages.
    """
    twitter
    """
    LinkedIn messages.
    """
    linkedin
    """
    WhatsApp.
    """
    whatsapp
    """
    Email (IMAP/SMTP).
    """
    email
    """
    Gmail.
    """
    gmail
    """
    Slack.
    """
    slack
    """
    SMS.
    """
    sms
    """
    The website chat.
    """
    chat
  }

  """
  Where a conversation stands (as the supergraph's ConversationStatus).
  """
  enum ConversationStatus {
    """
    Being worked on.
    """
    open
    """
    Waiting on something (the customer, a colleague).
    """
    pending
    """
    Put aside for a while.
    """
    snoozed
    """
    Done.
    """
    closed
  }

  """
  Which way a message went (as the supergraph's MessageDirection).
  """
  enum MessageDirection {
    """
    From the customer to the organization.
    """
    inbound
    """
    From the organization (a user's reply) to the customer.
    """
    outbound
  }

  """
  Where a message stands on its way (as the supergraph's MessageDeliveryStatus).
  """
  enum MessageDeliveryStatus {
    """
    An inbound message, stored.
    """
    received
    """
    An outbound reply waiting to be sent through the channel.
    """
    queued
    """
    Handed to the platform.
    """
    sent
    """
    The platform reported it delivered.
    """
    delivered
    """
    Sending failed.
    """
    failed
  }

  """
  A drafted reply's status.
  """
  enum ReplyStatus {
    """
    Waits for a person's approval.
    """
    pending
    """
    Approved (by a person, or automatically).
    """
    approved
    """
    Rejected by a person.
    """
    rejected
    """
    Sent through the channel.
    """
    sent
    """
    Sending failed.
    """
    failed
  }
`;

/** The realtime schema (resolvers come as root values: see server.ts). */
export function buildRealtimeSchema(): GraphQLSchema {
  return buildSchema(REALTIME_SDL);
}
