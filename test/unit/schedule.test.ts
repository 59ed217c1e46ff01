import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ackReminder,
  ageInWorkingDays,
  blockedReleaseReminder,
  ESCALATION,
  isWorkingDay,
  reminderLevel,
  sameUtcDay,
  workingDayDeadline,
  workingDaysBetween,
} from "../../src/domain/schedule.js";

/** An instant in UTC: `at("2026-11-19")` is midnight, `at("2026-11-19", "23:59")` late that day. */
function at(day: string, time = "00:00"): Date {
  return new Date(`${day}T${time}:00Z`);
}

// November 2026: Thu 19, Fri 20, Sat 21, Sun 22, Mon 23, Tue 24, Wed 25, Thu 26, Fri 27, Sat 28, Sun 29, Mon 30.
const THU = "2026-11-19";
const FRI = "2026-11-20";
const SAT = "2026-11-21";
const SUN = "2026-11-22";
const MON = "2026-11-23";
const TUE = "2026-11-24";

describe("workingDaysBetween", () => {
  it.each<[string, string, string, string, number]>([
    [THU, "10:00", THU, "23:59", 0],
    [THU, "23:59", FRI, "00:00", 1],
    [THU, "10:00", SAT, "10:00", 1],
    [THU, "10:00", SUN, "10:00", 1],
    [THU, "10:00", MON, "00:00", 2],
    [FRI, "18:00", SAT, "09:00", 0],
    [FRI, "18:00", SUN, "23:59", 0],
    [FRI, "18:00", MON, "00:01", 1],
    [SAT, "12:00", MON, "09:00", 1],
    [SUN, "12:00", MON, "09:00", 1],
    [SAT, "12:00", SUN, "09:00", 0],
    [MON, "09:00", "2026-11-30", "09:00", 5],
    [THU, "09:00", "2026-12-03", "09:00", 10],
    ["2026-11-02", "09:00", "2026-12-02", "09:00", 22],
    [MON, "09:00", THU, "09:00", -2],
  ])("%s %s → %s %s = %i", (fromDay, fromTime, toDay, toTime, expected) => {
    expect(workingDaysBetween(at(fromDay, fromTime), at(toDay, toTime))).toBe(expected);
  });

  it("counts UTC days, not local ones", () => {
    // 23:30 UTC on Friday is already Saturday east of UTC and still Friday west of it.
    expect(workingDaysBetween(at(THU, "12:00"), at(FRI, "23:30"))).toBe(1);
    expect(workingDaysBetween(at(FRI, "00:30"), at(SUN, "23:30"))).toBe(0);
  });

  it("matches a day-by-day count (property)", () => {
    const start = at("2026-01-01").getTime();
    const instant = fc.integer({ min: 0, max: 400 * 86_400_000 }).map((ms) => new Date(start + ms));
    fc.assert(
      fc.property(instant, instant, (a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        let count = 0;
        const day = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
        const last = Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), to.getUTCDate());
        for (day.setUTCDate(day.getUTCDate() + 1); day.getTime() <= last; day.setUTCDate(day.getUTCDate() + 1)) {
          if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) count++;
        }
        expect(workingDaysBetween(from, to)).toBe(count);
        expect(workingDaysBetween(to, from)).toBe(0 - count);
      }),
    );
  });
});

describe("isWorkingDay / sameUtcDay", () => {
  it("uses UTC calendar days", () => {
    expect(isWorkingDay(at(FRI, "23:59"))).toBe(true);
    expect(isWorkingDay(at(SAT, "00:00"))).toBe(false);
    expect(isWorkingDay(at(SUN, "23:59"))).toBe(false);
    expect(isWorkingDay(at(MON, "00:00"))).toBe(true);
    expect(sameUtcDay(at(THU, "00:00"), at(THU, "23:59"))).toBe(true);
    expect(sameUtcDay(at(THU, "23:59"), at(FRI, "00:00"))).toBe(false);
  });
});

describe("workingDayDeadline", () => {
  it.each<[string, number, string]>([
    [THU, 1, FRI],
    [THU, 2, MON],
    [FRI, 1, MON],
    [SAT, 1, MON],
    [SUN, 1, MON],
    [SUN, 2, TUE],
    [MON, 5, "2026-11-30"],
    [MON, 14, "2026-12-11"],
  ])("%s + %i working days → %s", (from, n, expected) => {
    expect(workingDayDeadline(at(from, "15:00"), n)).toEqual(at(expected));
    expect(workingDaysBetween(at(from, "15:00"), at(expected))).toBe(n);
  });
});

describe("ackReminder", () => {
  const base = { acknowledgedAt: null, lastReminderAt: null };

  it("reported Thursday with ackWithin 2 is due Monday, not on the weekend", () => {
    const reportedAt = at(THU, "16:00");
    const check = (day: string, time = "09:00") =>
      ackReminder({ ...base, reportedAt, ackWithin: 2, now: at(day, time) });
    expect(check(THU)).toEqual({ due: false, level: 0, overdueWorkingDays: 0, nextCheckAt: at(MON) });
    expect(check(FRI).due).toBe(false);
    expect(check(SAT).due).toBe(false);
    expect(check(SUN, "23:59").due).toBe(false);
    expect(check(MON, "00:00")).toEqual({ due: true, level: 1, overdueWorkingDays: 0, nextCheckAt: at(TUE) });
  });

  it("reported Friday with ackWithin 1 is due Monday, not Saturday", () => {
    const reportedAt = at(FRI, "17:30");
    expect(ackReminder({ ...base, reportedAt, ackWithin: 1, now: at(SAT, "12:00") })).toEqual({
      due: false,
      level: 0,
      overdueWorkingDays: 0,
      nextCheckAt: at(MON),
    });
    expect(ackReminder({ ...base, reportedAt, ackWithin: 1, now: at(MON, "08:00") }).due).toBe(true);
  });

  it("a weekend report is due with Friday's", () => {
    const now = at(MON, "09:00");
    expect(ackReminder({ ...base, reportedAt: at(SAT, "10:00"), ackWithin: 1, now }).due).toBe(true);
    expect(ackReminder({ ...base, reportedAt: at(SUN, "10:00"), ackWithin: 1, now }).due).toBe(true);
    expect(ackReminder({ ...base, reportedAt: at(SUN, "10:00"), ackWithin: 2, now }).due).toBe(false);
  });

  it("uses the 14-working-day default promise", () => {
    const reportedAt = at(MON, "10:00");
    expect(ackReminder({ ...base, reportedAt, ackWithin: 14, now: at("2026-12-10", "23:00") }).due).toBe(false);
    expect(ackReminder({ ...base, reportedAt, ackWithin: 14, now: at("2026-12-11", "06:00") })).toMatchObject({
      due: true,
      level: 1,
    });
  });

  it("sends at most one reminder per UTC day", () => {
    const reportedAt = at(THU, "16:00");
    const now = at(MON, "17:00");
    expect(ackReminder({ ...base, reportedAt, ackWithin: 2, now, lastReminderAt: at(MON, "00:05") })).toEqual({
      due: false,
      level: 1,
      overdueWorkingDays: 0,
      nextCheckAt: at(TUE),
    });
    expect(ackReminder({ ...base, reportedAt, ackWithin: 2, now, lastReminderAt: at(SUN, "23:59") }).due).toBe(true);
    expect(
      ackReminder({ ...base, reportedAt, ackWithin: 2, now: at(TUE, "00:00"), lastReminderAt: at(MON, "23:59") }).due,
    ).toBe(true);
  });

  it("sends no reminder on a weekend, and checks again on Monday", () => {
    const reportedAt = at("2026-11-16", "10:00"); // Monday
    const result = ackReminder({ ...base, reportedAt, ackWithin: 3, now: at(SAT, "10:00"), lastReminderAt: at(FRI) });
    expect(result).toEqual({ due: false, level: 1, overdueWorkingDays: 1, nextCheckAt: at(MON) });
  });

  it("escalates with working days overdue", () => {
    const reportedAt = at(THU, "16:00"); // ackWithin 2 → deadline Monday 23rd
    const level = (day: string) =>
      ackReminder({ ...base, reportedAt, ackWithin: 2, now: at(day, "09:00"), lastReminderAt: null });
    expect(level(MON)).toMatchObject({ level: 1, overdueWorkingDays: 0 });
    expect(level("2026-11-25")).toMatchObject({ level: 1, overdueWorkingDays: 2 });
    expect(level("2026-11-26")).toMatchObject({ level: 2, overdueWorkingDays: 3 });
    expect(level("2026-12-04")).toMatchObject({ level: 2, overdueWorkingDays: 9 });
    expect(level("2026-12-07")).toMatchObject({ level: 3, overdueWorkingDays: 10 });
    expect(level("2027-03-01")).toMatchObject({ level: 3, due: true });
  });

  it("stops once acknowledged", () => {
    const reportedAt = at(THU, "16:00");
    for (const now of [at(THU, "17:00"), at(MON, "09:00"), at("2026-12-31", "09:00")]) {
      expect(
        ackReminder({ reportedAt, acknowledgedAt: at(FRI, "09:00"), ackWithin: 2, lastReminderAt: null, now }),
      ).toEqual({ due: false, level: 0, overdueWorkingDays: 0 });
    }
  });

  it("is due on the report day with ackWithin 0", () => {
    expect(ackReminder({ ...base, reportedAt: at(THU, "09:00"), ackWithin: 0, now: at(THU, "10:00") })).toMatchObject({
      due: true,
      level: 1,
    });
  });

  it("never reminds twice on one day, whatever the clock (property)", () => {
    const start = at("2026-01-05").getTime();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 * 86_400_000 }),
        fc.integer({ min: 0, max: 86_399_999 }),
        fc.integer({ min: 0, max: 20 }),
        (offset, later, ackWithin) => {
          const now = new Date(start + offset);
          const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
          const reminded = new Date(dayStart + (later % (now.getTime() - dayStart + 1)));
          const result = ackReminder({
            reportedAt: new Date(start),
            acknowledgedAt: null,
            ackWithin,
            lastReminderAt: reminded,
            now,
          });
          expect(result.due).toBe(false);
        },
      ),
    );
  });
});

describe("reminderLevel", () => {
  it("follows the documented thresholds", () => {
    expect(ESCALATION).toEqual({ escalated: 3, urgent: 10 });
    expect([0, 1, 2, 3, 9, 10, 50].map(reminderLevel)).toEqual([1, 1, 1, 2, 2, 3, 3]);
  });
});

describe("blockedReleaseReminder", () => {
  it("reminds the same day the release is published", () => {
    expect(
      blockedReleaseReminder({ releasePublishedAt: at(THU, "15:00"), lastReminderAt: null, now: at(THU, "15:15") }),
    ).toBe(true);
  });

  it("reminds the same day even on a weekend", () => {
    expect(
      blockedReleaseReminder({ releasePublishedAt: at(SAT, "10:00"), lastReminderAt: null, now: at(SAT, "10:15") }),
    ).toBe(true);
  });

  it("reminds at most once per UTC day", () => {
    const releasePublishedAt = at(THU, "15:00");
    expect(
      blockedReleaseReminder({ releasePublishedAt, lastReminderAt: at(THU, "15:15"), now: at(THU, "23:59") }),
    ).toBe(false);
    expect(
      blockedReleaseReminder({ releasePublishedAt, lastReminderAt: at(THU, "15:15"), now: at(FRI, "00:00") }),
    ).toBe(true);
  });

  it("after the release day, reminds on working days only", () => {
    const releasePublishedAt = at(FRI, "15:00");
    const lastReminderAt = at(FRI, "15:15");
    expect(blockedReleaseReminder({ releasePublishedAt, lastReminderAt, now: at(SAT, "09:00") })).toBe(false);
    expect(blockedReleaseReminder({ releasePublishedAt, lastReminderAt, now: at(SUN, "09:00") })).toBe(false);
    expect(blockedReleaseReminder({ releasePublishedAt, lastReminderAt, now: at(MON, "09:00") })).toBe(true);
  });

  it("never reminds before the release", () => {
    expect(
      blockedReleaseReminder({ releasePublishedAt: at(THU, "15:00"), lastReminderAt: null, now: at(THU, "14:59") }),
    ).toBe(false);
  });
});

describe("ageInWorkingDays", () => {
  it.each<[string, string, number]>([
    [THU, THU, 0],
    [THU, SAT, 1],
    [THU, MON, 2],
    [FRI, SUN, 0],
    [MON, "2026-12-07", 10],
    [MON, THU, 0],
  ])("created %s, now %s → %i", (created, now, expected) => {
    expect(ageInWorkingDays(at(created, "12:00"), at(now, "12:00"))).toBe(expected);
  });
});
