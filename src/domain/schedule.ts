/**
 * Working-day arithmetic for reminders and the dashboard.
 *
 * ORAS promises to acknowledge reports within a number of working days (`intake.ackWithin`, 14 by
 * default). Working days are Monday to Friday, counted on UTC calendar days, whatever the time zone
 * of the machine running the app. Time is always a parameter: nothing here reads the clock.
 *
 * Pure: no I/O, no clock.
 */
import { addBusinessDays, addDays, differenceInCalendarDays, isWeekend } from "date-fns";

/**
 * The UTC calendar day of an instant, as a local-midnight Date with the same year, month and day.
 * date-fns works on local calendar days; mapping UTC days onto local days (and back with
 * `utcStartOf`) makes every calendar computation independent of the machine's time zone.
 */
function utcDay(date: Date): Date {
  return new Date(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

/** The instant at 00:00 UTC of the calendar day `day` (a value from `utcDay`). */
function utcStartOf(day: Date): Date {
  return new Date(Date.UTC(day.getFullYear(), day.getMonth(), day.getDate()));
}

/** Whether the instant falls on a Monday–Friday UTC day. */
export function isWorkingDay(date: Date): boolean {
  return !isWeekend(utcDay(date));
}

/** Whether two instants fall on the same UTC calendar day. */
export function sameUtcDay(a: Date, b: Date): boolean {
  return differenceInCalendarDays(utcDay(a), utcDay(b)) === 0;
}

/**
 * The number of working days (Mon–Fri, UTC) after `from`'s day, up to and including `to`'s day:
 * the working days that have *begun* since `from`. Thursday → Monday is 2 (Friday, Monday);
 * Friday → Saturday is 0; the same day is 0. Negative when `to` is before `from`.
 */
export function workingDaysBetween(from: Date, to: Date): number {
  const start = utcDay(from);
  const end = utcDay(to);
  const days = differenceInCalendarDays(end, start);
  if (days < 0) return 0 - workingDaysBetween(to, from); // never -0
  const weeks = Math.floor(days / 7);
  let count = weeks * 5;
  for (let d = weeks * 7 + 1; d <= days; d++) {
    if (!isWeekend(addDays(start, d))) count++;
  }
  return count;
}

/** Age of an item in working days, for the dashboard (0 on the day it was created; never negative). */
export function ageInWorkingDays(createdAt: Date, now: Date): number {
  return Math.max(0, workingDaysBetween(createdAt, now));
}

/** 00:00 UTC of the first working day on which `workingDaysBetween(from, ·)` reaches `n` (n ≥ 1). */
export function workingDayDeadline(from: Date, n: number): Date {
  // (from, ·] holds the same working days whether `from` is a weekend day or the Friday before it.
  let day = utcDay(from);
  while (isWeekend(day)) day = addDays(day, -1);
  return utcStartOf(addBusinessDays(day, Math.max(1, Math.floor(n))));
}

/** 00:00 UTC of the next working day strictly after `now`'s UTC day. */
function nextWorkingDayStart(now: Date): Date {
  return workingDayDeadline(now, 1);
}

/**
 * Overdue working days from which a reminder escalates. Level 1 on the deadline day and the two
 * working days after it; level 2 ("escalated") from 3 working days past the deadline; level 3
 * ("urgent") from 10 working days past it (two working weeks of silence after the promise).
 */
export const ESCALATION = { escalated: 3, urgent: 10 } as const;

export type ReminderLevel = 0 | 1 | 2 | 3;

export interface AckReminderInput {
  reportedAt: Date;
  acknowledgedAt: Date | null;
  /** Working days within which a human must respond (config `intake.ackWithin`). */
  ackWithin: number;
  lastReminderAt: Date | null;
  now: Date;
}

export interface AckReminder {
  /** Post a reminder now. */
  due: boolean;
  /** 0 none (acknowledged or not yet late), 1 first, 2 escalated, 3 urgent. */
  level: ReminderLevel;
  /** Working days past the deadline; 0 on the deadline day and before it. */
  overdueWorkingDays: number;
  /** When a reminder could next become due (00:00 UTC of a working day); absent once acknowledged. */
  nextCheckAt?: Date;
}

export function reminderLevel(overdueWorkingDays: number): Exclude<ReminderLevel, 0> {
  if (overdueWorkingDays >= ESCALATION.urgent) return 3;
  if (overdueWorkingDays >= ESCALATION.escalated) return 2;
  return 1;
}

/**
 * Whether to remind the security team that a report has had no human response.
 *
 * - Stops for good once the report is acknowledged.
 * - Late once `ackWithin` working days have begun since the report: a report on Thursday with
 *   `ackWithin: 2` is late on Monday (Friday, Monday), a report on Friday with `ackWithin: 1` on
 *   Monday, never on the weekend. A weekend report is late when Friday's report would be.
 * - Reminders go out on working days only, at most one per UTC calendar day; the level escalates
 *   with the working days overdue (`ESCALATION`).
 */
export function ackReminder(input: AckReminderInput): AckReminder {
  const { reportedAt, acknowledgedAt, lastReminderAt, now } = input;
  if (acknowledgedAt !== null) return { due: false, level: 0, overdueWorkingDays: 0 };

  const ackWithin = Math.max(0, Math.floor(input.ackWithin));
  const elapsed = Math.max(0, workingDaysBetween(reportedAt, now));
  if (elapsed < ackWithin) {
    return { due: false, level: 0, overdueWorkingDays: 0, nextCheckAt: workingDayDeadline(reportedAt, ackWithin) };
  }

  const overdueWorkingDays = elapsed - ackWithin;
  const level = reminderLevel(overdueWorkingDays);
  const remindedToday = lastReminderAt !== null && sameUtcDay(lastReminderAt, now);
  const due = isWorkingDay(now) && !remindedToday;
  return { due, level, overdueWorkingDays, nextCheckAt: nextWorkingDayStart(now) };
}

export interface BlockedReleaseReminderInput {
  /** When the release that fixes the advisory was published. */
  releasePublishedAt: Date;
  lastReminderAt: Date | null;
  now: Date;
}

/**
 * Whether to remind the patch team that a fixing release is out while the advisory is still not
 * published (blocked by the disclosure check or a hold). The first reminder goes out the same day as
 * the release, whatever day that is; after that, one per working day. Never more than one per UTC
 * calendar day, and never before the release.
 */
export function blockedReleaseReminder(input: BlockedReleaseReminderInput): boolean {
  const { releasePublishedAt, lastReminderAt, now } = input;
  if (now.getTime() < releasePublishedAt.getTime()) return false;
  if (lastReminderAt !== null && sameUtcDay(lastReminderAt, now)) return false;
  return sameUtcDay(releasePublishedAt, now) || isWorkingDay(now);
}
