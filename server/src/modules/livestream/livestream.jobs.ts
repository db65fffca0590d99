import type { Job } from '../../jobs/scheduler';
import type { LivestreamService } from './livestream.service';

/** Live reminders: every minute, send the pending ones of lives starting within LIVE_REMINDER_MINUTES. */
export function livestreamJobs(lives: LivestreamService): Job[] {
  return [
    {
      name: 'livestream-reminders',
      everyMs: 60_000,
      run: async (now) => {
        const { sent, failed } = await lives.sendDueReminders(now);
        return { liveRemindersSent: sent, liveRemindersFailed: failed };
      },
    },
  ];
}
