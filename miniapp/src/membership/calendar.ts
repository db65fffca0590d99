import { dayjs } from '@siyu/shared';

export interface CalendarDay {
  /** "2026-11-05" */
  date: string;
  day: number;
  checked: boolean;
  today: boolean;
}

/** A month laid out Monday-first: leading nulls for the days before the 1st, then every day of the month. */
export function monthGrid(month: string, checkedDays: readonly string[], today: string): Array<CalendarDay | null> {
  const first = dayjs(`${month}-01`);
  const leading = (first.day() + 6) % 7;
  const checked = new Set(checkedDays);
  const cells: Array<CalendarDay | null> = Array.from({ length: leading }, () => null);
  const count = first.daysInMonth();
  for (let day = 1; day <= count; day += 1) {
    const date = `${month}-${String(day).padStart(2, '0')}`;
    cells.push({ date, day, checked: checked.has(date), today: date === today });
  }
  return cells;
}

/** Check-ins still needed for the next streak bonus, today's included when not yet checked in. */
export function daysToBonus(streak: number, bonusEvery: number): number {
  if (bonusEvery <= 0) return 0;
  return bonusEvery - (streak % bonusEvery);
}
