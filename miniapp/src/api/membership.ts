/** The member's card: tier, growth and the benefits of each tier. */
import { type StoreMembership, StoreMembershipSchema } from '@siyu/shared';
import { type Quiet, request } from './client';

export function fetchMembership(options: Quiet = {}): Promise<StoreMembership> {
  return request({ path: '/me/membership', silent: options.silent }, StoreMembershipSchema);
}
