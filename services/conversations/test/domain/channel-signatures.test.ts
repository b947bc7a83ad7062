import { CHANNEL_PLATFORMS } from '../../src/modules/channel/domain/channel';
import { PLATFORM_SPECS } from '../../src/modules/channel/infra/adapters';
import {
  linkedinSignature,
  metaSignature,
  slackSignature,
  timestampedSignature,
  twitterSignature,
  TIMESTAMP_TOLERANCE_SECONDS,
  type SignatureScheme,
} from '../../src/modules/channel/infra/signature-schemes';
import { createHmac } from 'node:crypto';

const SECRET = 'app-secret-1';
const NOW = new Date('2026-11-30T01:00:00Z');
const body = Buffer.from('{"object":"page","entry":[]}');

const schemes: Array<[string, SignatureScheme, boolean]> = [
  ['meta', metaSignature, false],
  ['slack', slackSignature, true],
  ['twitter', twitterSignature, false],
  ['linkedin', linkedinSignature, false],
  ['timestamped', timestampedSignature, true],
];

describe.each(schemes)('the %s signature scheme', (_name, scheme, timestamped) => {
  it('accepts its own signature', () => {
    const headers = scheme.sign(body, SECRET, NOW);
    expect(scheme.verify(body, headers, SECRET, NOW)).toEqual({ verified: true });
  });

  it('refuses a wrong secret', () => {
    const headers = scheme.sign(body, 'another-secret', NOW);
    expect(scheme.verify(body, headers, SECRET, NOW)).toMatchObject({
      verified: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a changed body', () => {
    const headers = scheme.sign(body, SECRET, NOW);
    const changed = Buffer.from(body.toString().replace('page', 'pagf'));
    expect(scheme.verify(changed, headers, SECRET, NOW)).toMatchObject({
      verified: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a missing header', () => {
    const headers = scheme.sign(body, SECRET, NOW);
    delete headers[scheme.header];
    expect(scheme.verify(body, headers, SECRET, NOW)).toMatchObject({
      verified: false,
      reason: 'missing_signature',
    });
  });

  it('refuses a garbled header', () => {
    const headers = { ...scheme.sign(body, SECRET, NOW), [scheme.header]: 'sha256=zz' };
    expect(scheme.verify(body, headers, SECRET, NOW)).toMatchObject({
      verified: false,
      reason: 'bad_signature',
    });
  });

  if (timestamped) {
    it('refuses a timestamp older than the tolerance, accepts one within it', () => {
      const stale = new Date(NOW.getTime() - (TIMESTAMP_TOLERANCE_SECONDS + 1) * 1000);
      expect(scheme.verify(body, scheme.sign(body, SECRET, stale), SECRET, NOW)).toMatchObject({
        verified: false,
        reason: 'stale_timestamp',
      });
      const recent = new Date(NOW.getTime() - (TIMESTAMP_TOLERANCE_SECONDS - 5) * 1000);
      expect(scheme.verify(body, scheme.sign(body, SECRET, recent), SECRET, NOW)).toEqual({ verified: true });
    });
  } else {
    it('has no timestamp: an old signature still verifies', () => {
      const old = new Date(NOW.getTime() - 86_400_000);
      expect(scheme.verify(body, scheme.sign(body, SECRET, old), SECRET, NOW)).toEqual({ verified: true });
    });
  }
});

describe("the schemes are the platforms' own", () => {
  const hmac = (...parts: string[]) => {
    const mac = createHmac('sha256', SECRET);
    for (const part of parts) mac.update(part);
    return mac;
  };

  it('Meta: sha256=<hex> of the body', () => {
    expect(metaSignature.sign(body, SECRET, NOW)).toEqual({
      'x-hub-signature-256': `sha256=${hmac(body.toString()).digest('hex')}`,
    });
  });

  it('Slack: v0=<hex> of v0:<timestamp>:<body>, with the timestamp header', () => {
    const timestamp = String(NOW.getTime() / 1000);
    expect(slackSignature.sign(body, SECRET, NOW)).toEqual({
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': `v0=${hmac(`v0:${timestamp}:`, body.toString()).digest('hex')}`,
    });
  });

  it('X: sha256=<base64> of the body', () => {
    expect(twitterSignature.sign(body, SECRET, NOW)).toEqual({
      'x-twitter-webhooks-signature': `sha256=${hmac(body.toString()).digest('base64')}`,
    });
  });

  it('LinkedIn: hex of the body, with or without hmacsha256=', () => {
    const digest = hmac(body.toString()).digest('hex');
    expect(linkedinSignature.sign(body, SECRET, NOW)).toEqual({ 'x-li-signature': digest });
    expect(linkedinSignature.verify(body, { 'x-li-signature': `hmacsha256=${digest}` }, SECRET, NOW)).toEqual(
      {
        verified: true,
      },
    );
  });

  it('timestamped: any of several v1 signatures may match (secret rotation)', () => {
    const [current] = Object.values(timestampedSignature.sign(body, SECRET, NOW));
    const header = `${current},v1=${'0'.repeat(64)}`;
    expect(timestampedSignature.verify(body, { 'x-channel-signature': header }, SECRET, NOW)).toEqual({
      verified: true,
    });
  });

  it('every platform has a scheme', () => {
    expect(CHANNEL_PLATFORMS.map((platform) => [platform, PLATFORM_SPECS[platform].scheme.name])).toEqual([
      ['facebook', 'meta'],
      ['instagram', 'meta'],
      ['whatsapp', 'meta'],
      ['twitter', 'twitter'],
      ['linkedin', 'linkedin'],
      ['email', 'timestamped'],
      ['gmail', 'timestamped'],
      ['slack', 'slack'],
      ['sms', 'timestamped'],
      ['chat', 'timestamped'],
    ]);
  });
});
