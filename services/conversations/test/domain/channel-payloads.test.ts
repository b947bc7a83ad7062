import { ChannelPayloadError, type ChannelPlatform } from '../../src/modules/channel/domain/channel';
import {
  channelAdapters,
  channelApiBaseUrlsFrom,
  PLATFORM_SPECS,
} from '../../src/modules/channel/infra/adapters';
import { slackChallenge } from '../../src/modules/channel/infra/platforms/slack';

const parse = (platform: ChannelPlatform, payload: unknown) =>
  PLATFORM_SPECS[platform].parse(Buffer.from(JSON.stringify(payload)));

const person = (platformUserId: string, extra: Record<string, string> = {}) => ({
  platformUserId,
  displayName: null,
  handle: null,
  email: null,
  phone: null,
  ...extra,
});

describe("payload mapping (the platforms' real shapes, simplified)", () => {
  it('Messenger: entry[].messaging[] — several messages, echoes and deliveries left out', () => {
    const payload = {
      object: 'page',
      entry: [
        {
          id: 'PAGE1',
          time: 1764460000000,
          messaging: [
            {
              sender: { id: 'PSID1' },
              recipient: { id: 'PAGE1' },
              timestamp: 1764460000000,
              message: { mid: 'm_1', text: 'Hi' },
            },
            {
              sender: { id: 'PAGE1' },
              recipient: { id: 'PSID1' },
              timestamp: 1764460000500,
              message: { mid: 'm_echo', text: 'our reply', is_echo: true },
            },
            { sender: { id: 'PSID1' }, recipient: { id: 'PAGE1' }, timestamp: 1764460000600 },
          ],
        },
        {
          id: 'PAGE1',
          time: 1764460001000,
          messaging: [
            {
              sender: { id: 'PSID2' },
              recipient: { id: 'PAGE1' },
              timestamp: 1764460001000,
              message: {
                mid: 'm_2',
                attachments: [{ type: 'image', payload: { url: 'https://cdn.example/p.jpg' } }],
              },
            },
          ],
        },
      ],
    };
    expect(parse('facebook', payload)).toEqual([
      {
        platformMessageId: 'm_1',
        platformConversationId: 'PSID1',
        sender: person('PSID1'),
        text: 'Hi',
        attachments: [],
        sentAt: new Date(1764460000000),
      },
      {
        platformMessageId: 'm_2',
        platformConversationId: 'PSID2',
        sender: person('PSID2'),
        text: '',
        attachments: [
          { kind: 'image', url: 'https://cdn.example/p.jpg', name: null, mime: null, size: null },
        ],
        sentAt: new Date(1764460001000),
      },
    ]);
    expect(() => parse('instagram', payload)).toThrow(ChannelPayloadError);
  });

  it('WhatsApp: entry[].changes[].value.messages[] with contacts; statuses are not messages', () => {
    const payload = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'WABA1',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550001111', phone_number_id: 'PN1' },
                contacts: [{ wa_id: '4915112345678', profile: { name: 'Lena' } }],
                messages: [
                  {
                    id: 'wamid.1',
                    from: '4915112345678',
                    timestamp: '1764460000',
                    type: 'text',
                    text: { body: 'Hallo' },
                  },
                  {
                    id: 'wamid.2',
                    from: '4915112345678',
                    timestamp: '1764460005',
                    type: 'document',
                    document: {
                      id: 'MEDIA1',
                      mime_type: 'application/pdf',
                      filename: 'offer.pdf',
                      caption: 'the offer',
                    },
                  },
                ],
              },
            },
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550001111', phone_number_id: 'PN1' },
                statuses: [{ id: 'wamid.out', status: 'delivered' }],
              },
            },
          ],
        },
      ],
    };
    const lena = person('4915112345678', { displayName: 'Lena', phone: '+4915112345678' });
    expect(parse('whatsapp', payload)).toEqual([
      {
        platformMessageId: 'wamid.1',
        platformConversationId: '4915112345678',
        sender: lena,
        text: 'Hallo',
        attachments: [],
        sentAt: new Date(1764460000000),
      },
      {
        platformMessageId: 'wamid.2',
        platformConversationId: '4915112345678',
        sender: lena,
        text: 'the offer',
        attachments: [{ kind: 'file', url: null, name: 'offer.pdf', mime: 'application/pdf', size: null }],
        sentAt: new Date(1764460005000),
      },
    ]);
  });

  it('Slack: event_callback with event.type=message; bots and other events are not messages', () => {
    const callback = (event: Record<string, unknown>) => ({
      type: 'event_callback',
      team_id: 'T1',
      api_app_id: 'A1',
      event_id: 'Ev1',
      event_time: 1764460000,
      event,
    });
    expect(
      parse(
        'slack',
        callback({
          type: 'message',
          channel: 'D1',
          user: 'U1',
          text: 'need a quote',
          ts: '1764460000.000200',
          files: [
            {
              id: 'F1',
              name: 'brief.txt',
              mimetype: 'text/plain',
              size: 12,
              url_private: 'https://files.example/F1',
            },
          ],
        }),
      ),
    ).toEqual([
      {
        platformMessageId: 'D1:1764460000.000200',
        platformConversationId: 'D1',
        sender: person('U1'),
        text: 'need a quote',
        attachments: [
          { kind: 'file', url: 'https://files.example/F1', name: 'brief.txt', mime: 'text/plain', size: 12 },
        ],
        sentAt: new Date(1764460000000),
      },
    ]);
    expect(
      parse('slack', callback({ type: 'message', channel: 'D1', bot_id: 'B1', text: 'x', ts: '1.1' })),
    ).toEqual([]);
    expect(parse('slack', callback({ type: 'reaction_added', user: 'U1' }))).toEqual([]);
    const verification = Buffer.from(JSON.stringify({ type: 'url_verification', challenge: 'abc' }));
    expect(PLATFORM_SPECS.slack.parse(verification)).toEqual([]);
    expect(slackChallenge(verification)).toBe('abc');
  });

  it("X: direct_message_events with users; the account's own sends are left out", () => {
    const payload = {
      for_user_id: '100',
      direct_message_events: [
        {
          type: 'message_create',
          id: '9001',
          created_timestamp: '1764460000000',
          message_create: {
            target: { recipient_id: '100' },
            sender_id: '200',
            message_data: { text: 'price?' },
          },
        },
        {
          type: 'message_create',
          id: '9002',
          created_timestamp: '1764460001000',
          message_create: {
            target: { recipient_id: '200' },
            sender_id: '100',
            message_data: { text: 'our answer' },
          },
        },
        {
          type: 'message_create',
          id: '9003',
          created_timestamp: '1764460002000',
          message_create: {
            target: { recipient_id: '100' },
            sender_id: '200',
            message_data: {
              text: 'screenshot',
              attachment: {
                type: 'media',
                media: { media_url_https: 'https://pbs.example/1.png', type: 'photo' },
              },
            },
          },
        },
      ],
      users: { '200': { id: '200', name: 'Sam', screen_name: 'sam_k' } },
    };
    const sam = person('200', { displayName: 'Sam', handle: 'sam_k' });
    expect(parse('twitter', payload)).toEqual([
      {
        platformMessageId: '9001',
        platformConversationId: '200',
        sender: sam,
        text: 'price?',
        attachments: [],
        sentAt: new Date(1764460000000),
      },
      {
        platformMessageId: '9003',
        platformConversationId: '200',
        sender: sam,
        text: 'screenshot',
        attachments: [
          { kind: 'image', url: 'https://pbs.example/1.png', name: null, mime: null, size: null },
        ],
        sentAt: new Date(1764460002000),
      },
    ]);
  });

  it('LinkedIn, SMS, email and web chat: several messages each', () => {
    expect(
      parse('linkedin', {
        type: 'MESSAGE_EVENT',
        organization: 'urn:li:organization:1',
        messages: [
          {
            id: 'L1',
            thread: 'TH1',
            createdAt: 1764460000000,
            from: { urn: 'urn:li:person:a', name: 'Ann' },
            body: { text: 'one' },
          },
          {
            id: 'L2',
            thread: 'TH1',
            createdAt: 1764460001000,
            from: { urn: 'urn:li:organization:1' },
            body: { text: 'ours' },
          },
          {
            id: 'L3',
            thread: 'TH2',
            createdAt: 1764460002000,
            from: { urn: 'urn:li:person:b' },
            body: { text: 'two' },
          },
        ],
      }).map((message) => [
        message.platformMessageId,
        message.platformConversationId,
        message.sender.displayName,
      ]),
    ).toEqual([
      ['L1', 'TH1', 'Ann'],
      ['L3', 'TH2', null],
    ]);
    expect(
      parse('sms', {
        type: 'sms.inbound',
        to: '+15550001111',
        messages: [
          { id: 'SM1', from: '+15551230000', body: 'yes', receivedAt: '2026-11-30T00:00:00Z' },
          {
            id: 'SM2',
            from: '+15551239999',
            body: 'no',
            receivedAt: '2026-11-30T00:00:01Z',
            media: [{ url: 'https://mms.example/1', contentType: 'image/png' }],
          },
        ],
      }).map((message) => [message.platformMessageId, message.sender.phone, message.attachments.length]),
    ).toEqual([
      ['SM1', '+15551230000', 0],
      ['SM2', '+15551239999', 1],
    ]);
    const email = {
      type: 'email.inbound',
      mailbox: 'sales@agency.example',
      messages: [
        {
          messageId: '<a@x>',
          threadId: 'T1',
          from: { address: 'Buyer@Client.example', name: 'Buyer' },
          text: 'hello',
          date: '2026-11-30T00:00:00Z',
        },
        {
          messageId: '<b@x>',
          threadId: 'T1',
          from: { address: 'buyer@client.example' },
          text: 'again',
          date: '2026-11-30T00:01:00Z',
          attachments: [{ filename: 'a.pdf', contentType: 'application/pdf', size: 100 }],
        },
      ],
    };
    for (const platform of ['email', 'gmail'] as const) {
      expect(
        parse(platform, email).map((message) => [
          message.platformMessageId,
          message.sender.email,
          message.attachments.length,
        ]),
      ).toEqual([
        ['<a@x>', 'buyer@client.example', 0],
        ['<b@x>', 'buyer@client.example', 1],
      ]);
    }
    expect(
      parse('chat', {
        type: 'chat.messages',
        site: 'site-1',
        events: [
          {
            id: 'c1',
            sessionId: 's1',
            sentAt: '2026-11-30T00:00:00Z',
            visitor: { id: 'v1', email: 'v@example.com' },
            text: 'hi',
          },
          {
            id: 'c2',
            sessionId: 's1',
            sentAt: '2026-11-30T00:00:02Z',
            visitor: { id: 'v1' },
            text: 'anyone?',
          },
        ],
      }).map((message) => [message.platformMessageId, message.platformConversationId, message.text]),
    ).toEqual([
      ['c1', 's1', 'hi'],
      ['c2', 's1', 'anyone?'],
    ]);
  });

  it.each<[ChannelPlatform, string]>([
    ['facebook', 'not json'],
    [
      'whatsapp',
      '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{}}]}]}',
    ],
    ['slack', '{"type":"event_callback"}'],
    ['twitter', '{"direct_message_events":[]}'],
    ['linkedin', '{"type":"MESSAGE_EVENT","organization":"o","messages":[{"id":"x"}]}'],
    [
      'sms',
      '{"type":"sms.inbound","to":"1","messages":[{"id":"1","from":"abc","body":"x","receivedAt":"now"}]}',
    ],
    [
      'email',
      '{"type":"email.inbound","mailbox":"m","messages":[{"messageId":"1","threadId":"t","from":{"address":"not-an-address"},"text":"","date":"2026-11-30T00:00:00Z"}]}',
    ],
    ['chat', '[]'],
  ])('%s refuses a malformed payload', (platform, raw) => {
    expect(() => PLATFORM_SPECS[platform].parse(Buffer.from(raw))).toThrow(ChannelPayloadError);
  });
});

describe('API base URLs', () => {
  it('are read per platform from the environment, over a default', () => {
    expect(
      channelApiBaseUrlsFrom({
        CHANNELS_API_BASE_URL: 'http://simulator:4090',
        CHANNELS_WHATSAPP_API_BASE_URL: 'https://graph.example',
        CHANNELS_SLACK_API_BASE_URL: ' ',
      }),
    ).toEqual({
      defaultApiBaseUrl: 'http://simulator:4090',
      apiBaseUrls: { whatsapp: 'https://graph.example' },
    });
    expect(channelApiBaseUrlsFrom({})).toEqual({ defaultApiBaseUrl: null, apiBaseUrls: {} });
  });

  it('the registry has an adapter per platform with its signature header', () => {
    const adapters = channelAdapters({ defaultApiBaseUrl: 'http://127.0.0.1:1' });
    const platforms: ChannelPlatform[] = ['facebook', 'slack', 'twitter', 'linkedin', 'sms'];
    expect(platforms.map((platform) => adapters.adapterFor(platform).signatureHeader)).toEqual([
      'x-hub-signature-256',
      'x-slack-signature',
      'x-twitter-webhooks-signature',
      'x-li-signature',
      'x-channel-signature',
    ]);
  });
});
