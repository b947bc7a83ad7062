import type { ChannelAccountPlatform, RefreshOutcome } from './channel-account';

/** A platform's OAuth2 token endpoint, as the refresh job needs it. */
export interface OAuthTokenClient {
  /** Exchanges a refresh token for new tokens (`grant_type=refresh_token`); never throws. */
  refresh(platform: ChannelAccountPlatform, refreshToken: string, now: Date): Promise<RefreshOutcome>;
}
