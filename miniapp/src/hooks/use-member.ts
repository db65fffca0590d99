import type { MemberView } from '@siyu/shared';
import { useEffect, useState } from 'react';
import { isLoggedIn, readMember, subscribeSession } from '../api/session';

export interface MemberSession {
  loggedIn: boolean;
  /** The last member view seen on this device (may be a moment old until the page refreshes it). */
  member: MemberView | null;
}

function snapshot(): MemberSession {
  return { loggedIn: isLoggedIn(), member: readMember() };
}

/** The signed-in member, kept current across login, refresh, profile edits and logout. */
export function useMember(): MemberSession {
  const [session, setSession] = useState(snapshot);
  useEffect(() => {
    setSession(snapshot());
    return subscribeSession(() => setSession(snapshot()));
  }, []);
  return session;
}
