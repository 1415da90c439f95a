import { describe, expect, it } from "vitest";
import { describeCron, ScheduleError } from "../../../src/checks/schedule/index";
import { describeOnCalendar } from "../../../src/checks/schedule/describe";

describe("describeCron", () => {
  const cases: [string, string][] = [
    ["* * * * *", "Every minute"],
    ["*/15 * * * *", "Every 15 minutes"],
    ["15 * * * *", "At minute 15"],
    ["0 9 * * 1-5", "At 09:00 on Monday through Friday"],
    ["0 0 * * *", "At 00:00"],
    ["  0   3\t* *  *  ", "At 03:00"],
    ["0 */5 * * *", "At minute 0 past every 5th hour"],
    ["5 4 * * sun", "At 04:05 on Sunday"],
    ["0 1,13 * * *", "At 01:00 and 13:00"],
    ["0,30 9 * * *", "At 09:00 and 09:30"],
    ["0 0 1,15 * *", "At 00:00 on day-of-month 1 and 15"],
    ["0 0 L * *", "At 00:00 on the last day of the month"],
    ["0 6 LW * *", "At 06:00 on the last weekday of the month"],
    ["0 12 * * MON#2", "At 12:00 on the second Monday of the month"],
    ["0 0 * * 5L", "At 00:00 on the last Friday of the month"],
    ["0 0 * JAN,JUL *", "At 00:00 in January and July"],
    ["0 0 1 * MON", "At 00:00 on day-of-month 1 or on Monday"],
    ["0 4 */2 * 1", "At 04:00 on every 2nd day-of-month if it is Monday"],
    ["*/20 9-17 * * mon-fri", "Every 20 minutes past every hour from 9 through 17 on Monday through Friday"],
    ["15,45 2-3 * * *", "At minutes 15 and 45 past every hour from 2 through 3"],
    ["1 1 * * */3", "At 01:01 on Sunday, Wednesday and Saturday"],
    ["0 0 1 JAN-DEC/3 *", "At 00:00 on day-of-month 1 in January, April, July and October"],
    ["10-50/20 * * * *", "At every 20th minute from 10 through 50"],
    ["* 9 * * *", "Every minute past hour 9"],
  ];
  it.each(cases)("%j → %s", (expr, expected) => {
    expect(describeCron(expr)).toBe(expected);
  });

  it("throws ScheduleError for an invalid expression", () => {
    expect(() => describeCron("61 * * * *")).toThrow(ScheduleError);
    expect(() => describeCron("* * * *")).toThrow(ScheduleError);
  });
});

describe("describeOnCalendar", () => {
  const cases: [string, string][] = [
    ["daily", "*-*-* 00:00:00"],
    ["Mon-Fri 09:00", "Mon..Fri *-*-* 09:00:00"],
    ["Mon, 08:00", "Mon *-*-* 08:00:00"],
    ["*-*~01 23:00", "*-*~01 23:00:00"],
    ["09:00 America/New_York", "*-*-* 09:00:00 America/New_York"],
    ["quarterly\n*-06-15 12:00", "*-01,04,07,10-01 00:00:00; *-06-15 12:00:00"],
  ];
  it.each(cases)("%j → %s", (expr, expected) => {
    expect(describeOnCalendar(expr)).toBe(expected);
  });
});
