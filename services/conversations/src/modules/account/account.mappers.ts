// What the generated resolver types use as parents (see @platform/codegen).
import type { ChannelAccount } from './domain/channel-account';

export type ChannelAccountMapper = ChannelAccount;
export { ChannelAccountPlatform, ChannelAccountStatus } from './domain/channel-account';
