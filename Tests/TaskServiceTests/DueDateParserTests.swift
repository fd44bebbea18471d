import Foundation
import Testing
@testable import TaskService

@Suite struct DueDateParserTests {
    var parser: DueDateParser {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return DueDateParser(calendar: calendar)
    }
    // Thursday 2026-11-26 10:00 UTC.
    let now = Date(timeIntervalSince1970: 1_795_687_200)

    func day(_ d: Date) -> String {
        let f = DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: d)
    }

    @Test func forms() throws {
        #expect(day(try parser.parse("2026-12-01", now: now)) == "2026-12-01 23:59")
        #expect(day(try parser.parse("2026-12-01 17:30", now: now)) == "2026-12-01 17:30")
        #expect(day(try parser.parse("2026-12-01T08:05", now: now)) == "2026-12-01 08:05")
        // An instant as `todo export` and the API write it is that instant, whatever the zone.
        #expect(day(try parser.parse("2026-12-04T10:00:00.000Z", now: now)) == "2026-12-04 10:00")
        #expect(day(try parser.parse("2026-12-04T10:00:00Z", now: now)) == "2026-12-04 10:00")
        #expect(day(try parser.parse("2026-12-04T10:00:00+01:00", now: now)) == "2026-12-04 09:00")
        for impossible in ["2026-02-30T10:00:00Z", "2026-12-24T25:00:00Z", "2026-12-24T10:61:00Z", "2026-13-01T10:00:00Z"] {
            #expect(throws: DueDateParser.Failure.self, "\(impossible) is no instant") { try parser.parse(impossible, now: now) }
        }
        #expect(day(try parser.parse("today", now: now)) == "2026-11-26 23:59")
        #expect(day(try parser.parse("Tomorrow", now: now)) == "2026-11-27 23:59")
        #expect(day(try parser.parse("friday", now: now)) == "2026-11-27 23:59")
        #expect(day(try parser.parse("thursday", now: now)) == "2026-12-03 23:59")  // never today
        #expect(day(try parser.parse("mon", now: now)) == "2026-11-30 23:59")
        #expect(day(try parser.parse("in 3 days", now: now)) == "2026-11-29 23:59")
        #expect(day(try parser.parse("+2w", now: now)) == "2026-12-10 23:59")
        #expect(day(try parser.parse("+1m", now: now)) == "2026-12-26 23:59")
        #expect(day(try parser.parse("3 days ago", now: now)) == "2026-11-23 23:59")  // already late, on purpose
        #expect(day(try parser.parse("-1w", now: now)) == "2026-11-19 23:59")
        #expect(throws: DueDateParser.Failure.self) { try parser.parse("ago", now: now) }
        #expect(throws: DueDateParser.Failure.self) { try parser.parse("-", now: now) }
    }

    @Test func monthNamesNextWeekdaysAndTimes() throws {
        // Now is Thursday 2026-11-26 10:00.
        #expect(day(try parser.parse("dec 1", now: now)) == "2026-12-01 23:59")
        #expect(day(try parser.parse("1 December", now: now)) == "2026-12-01 23:59")
        #expect(day(try parser.parse("Dec 1st, 2027", now: now)) == "2027-12-01 23:59")
        #expect(day(try parser.parse("3rd of march", now: now)) == "2027-03-03 23:59")  // this year's has passed
        #expect(day(try parser.parse("nov 26", now: now)) == "2026-11-26 23:59")  // today has not
        #expect(day(try parser.parse("sept 9", now: now)) == "2027-09-09 23:59")
        // A day just gone is this year's, already late (as "3 days ago"), not next year's.
        #expect(day(try parser.parse("nov 20", now: now)) == "2026-11-20 23:59")
        #expect(day(try parser.parse("27 oct", now: now)) == "2026-10-27 23:59", "30 days ago")
        #expect(day(try parser.parse("26 oct", now: now)) == "2027-10-26 23:59", "31 days ago: next year's")
        let january = Date(timeIntervalSince1970: 1_798_970_400)  // 2027-01-03 10:00 UTC
        #expect(day(try parser.parse("dec 28", now: january)) == "2026-12-28 23:59", "across the new year")
        #expect(day(try parser.parse("jan 10", now: january)) == "2027-01-10 23:59")
        #expect(day(try parser.parse("next friday", now: now)) == "2026-12-04 23:59")  // next week's, not tomorrow
        #expect(day(try parser.parse("next monday", now: now)) == "2026-11-30 23:59")
        #expect(day(try parser.parse("eom", now: now)) == "2026-11-30 23:59")
        #expect(day(try parser.parse("yesterday 5pm", now: now)) == "2026-11-25 17:00")  // already late, on purpose
        #expect(day(try parser.parse("end of month", now: now)) == "2026-11-30 23:59")
        #expect(day(try parser.parse("tomorrow 9am", now: now)) == "2026-11-27 09:00")
        #expect(day(try parser.parse("tmrw", now: now)) == "2026-11-27 23:59")
        #expect(day(try parser.parse("in a week", now: now)) == "2026-12-03 23:59")
        #expect(day(try parser.parse("in a year", now: now)) == "2027-11-26 23:59")
        #expect(day(try parser.parse("+2y", now: now)) == "2028-11-26 23:59")
        #expect(day(try parser.parse("a day ago", now: now)) == "2026-11-25 23:59")
        #expect(day(try parser.parse("the day after tomorrow 9am", now: now)) == "2026-11-28 09:00")
        #expect(day(try parser.parse("day after tomorrow", now: now)) == "2026-11-28 23:59")
        #expect(day(try parser.parse("friday at 5:30pm", now: now)) == "2026-11-27 17:30")
        #expect(day(try parser.parse("next friday 17:00", now: now)) == "2026-12-04 17:00")
        #expect(day(try parser.parse("dec 1 2026 8 am", now: now)) == "2026-12-01 08:00")
        #expect(day(try parser.parse("today noon", now: now)) == "2026-11-26 12:00")
        #expect(day(try parser.parse("12am", now: now)) == "2026-11-27 00:00")  // midnight has passed today
        #expect(day(try parser.parse("5pm", now: now)) == "2026-11-26 17:00")  // still ahead today
        #expect(day(try parser.parse("9:15", now: now)) == "2026-11-27 09:15")  // passed: tomorrow's
        #expect(day(try parser.parse("tonight", now: now)) == "2026-11-26 23:59")
    }

    @Test func weeksMonthsThisDaysMidnightAndHoursFromNow() throws {
        // Now is Thursday 2026-11-26 10:00.
        #expect(day(try parser.parse("next week", now: now)) == "2026-11-30 23:59")  // its Monday
        #expect(day(try parser.parse("next week 9am", now: now)) == "2026-11-30 09:00")
        #expect(day(try parser.parse("next month", now: now)) == "2026-12-01 23:59")
        #expect(day(try parser.parse("this friday", now: now)) == "2026-11-27 23:59")
        #expect(day(try parser.parse("this thursday", now: now)) == "2026-11-26 23:59")  // today, unlike "thursday"
        #expect(day(try parser.parse("this mon 8:00", now: now)) == "2026-11-30 08:00")
        #expect(day(try parser.parse("midnight", now: now)) == "2026-11-26 23:59")
        #expect(day(try parser.parse("friday midnight", now: now)) == "2026-11-27 23:59")
        #expect(day(try parser.parse("in 3 hours", now: now)) == "2026-11-26 13:00")
        #expect(day(try parser.parse("in an hour", now: now)) == "2026-11-26 11:00")
        #expect(day(try parser.parse("+90min", now: now)) == "2026-11-26 11:30")
        #expect(day(try parser.parse("in 45 minutes", now: now)) == "2026-11-26 10:45")
        #expect(day(try parser.parse("2 hours ago", now: now)) == "2026-11-26 08:00")  // already late, on purpose
        #expect(day(try parser.parse("in 30 hours", now: now)) == "2026-11-27 16:00")
    }

    @Test func weekendsWeekEndsDottedDaysDaysOfTheMonthAndMinuteInstants() throws {
        // Now is Thursday 2026-11-26 10:00; weeks start on Monday.
        #expect(day(try parser.parse("eow", now: now)) == "2026-11-29 23:59")
        #expect(day(try parser.parse("end of the week", now: now)) == "2026-11-29 23:59")
        #expect(day(try parser.parse("weekend", now: now)) == "2026-11-28 23:59")
        #expect(day(try parser.parse("this weekend 10am", now: now)) == "2026-11-28 10:00")
        #expect(day(try parser.parse("next weekend", now: now)) == "2026-12-05 23:59")
        #expect(day(try parser.parse("19.12.2026", now: now)) == "2026-12-19 23:59")
        #expect(day(try parser.parse("19.12.2026 17:00", now: now)) == "2026-12-19 17:00")
        #expect(day(try parser.parse("15.12.", now: now)) == "2026-12-15 23:59")
        #expect(day(try parser.parse("15.12", now: now)) == "2026-12-15 23:59")
        #expect(day(try parser.parse("20.11.", now: now)) == "2026-11-20 23:59", "just gone")
        // Slashes, where only one order is a date (a number over 12 is the day).
        #expect(day(try parser.parse("25/12/2026", now: now)) == "2026-12-25 23:59")
        #expect(day(try parser.parse("25/12/26 9am", now: now)) == "2026-12-25 09:00")
        #expect(day(try parser.parse("12/25", now: now)) == "2026-12-25 23:59")
        #expect(day(try parser.parse("5/5", now: now)) == "2027-05-05 23:59", "either order, one day")
        #expect(day(try parser.parse("sunday the 13th", now: now)) == "2026-12-13 23:59")  // the next 13th is a Sunday
        #expect(day(try parser.parse("sun 13th 9am", now: now)) == "2026-12-13 09:00")
        #expect(day(try parser.parse("thursday the 26th", now: now)) == "2026-11-26 23:59", "today is the 26th")
        #expect(day(try parser.parse("2026-12-19T23:59Z", now: now)) == "2026-12-19 23:59")
        #expect(day(try parser.parse("2026-12-04T10:00+01:00", now: now)) == "2026-12-04 09:00")
    }

    @Test(arguments: ["", "next blue moon", "+", "in x days", "dec", "1 2", "next", "5", "at 5pm on",
                      "dec 1 2026 5", "+1:00", "2026-+1-01", "dec ١", "in 3 hours 5pm", "this", "this week", "next hour",
                      "1/2/3/4", "midnight 5pm", "2.5", "12.50", "12.50."])
    func refusesWhatItCannotRead(_ text: String) {
        #expect(throws: DueDateParser.Failure(input: text)) { try parser.parse(text, now: now) }
    }

    /// A date recognisably meant, with a bad part, is refused with what is wrong, not the generic hint.
    @Test(arguments: [("2026-02-30", "February has 28 days in 2026"), ("feb 29 2028", nil),
                      ("feb 29", "February has 28 days in 2027"),  // now is November 2026: the next February ("feb 30 2028", "February has 29 days in 2028"),
                      ("2026-13-01", "month 13: months are 1 to 12"), ("dec 32", "day 32: a month has 1 to 31 days"),
                      ("2026-12-01 25:00", "25:00 is not a time of day (hours 0 to 23, minutes 0 to 59)"),
                      ("yesterday 25:00", "25:00 is not a time of day (hours 0 to 23, minutes 0 to 59)"),
                      ("friday 9:60", "9:60 is not a time of day (hours 0 to 23, minutes 0 to 59)"),
                      ("12:30:61", "12:30:61 is not a time of day (hours 0 to 23, minutes 0 to 59)"),
                      ("13pm", "13pm is not a time of day (1 to 12 before am or pm, minutes 0 to 59)"),
                      ("0am", "0am is not a time of day (1 to 12 before am or pm, minutes 0 to 59)"),
                      ("0001-01-01", "year 1 is outside 1970 to 9999"), ("99999-01-01", "year 99999 is outside 1970 to 9999"),
                      ("1 december 1969", "year 1969 is outside 1970 to 9999"),
                      ("+4000d", "4000 d is too far: at most 3650 days, 520 weeks, 120 months or 10 years"),
                      ("in 90000 hours", "90000 hours is too far: at most 3650 days, 520 weeks, 120 months or 10 years"),
                      ("in 100000 years", "100000 years is too far: at most 3650 days, 520 weeks, 120 months or 10 years"),
                      ("in -3 days", "a past date is written \"3 days ago\""),
                      // Day first or month first: a guess would be wrong for half the world.
                      ("12/01/2026", "12/01/2026 could be day/month or month/day; write 2026-12-01, \"dec 1\" or \"1 dec\""),
                      ("1/2", "1/2 could be day/month or month/day; write 2026-12-01, \"dec 1\" or \"1 dec\""),
                      ("13/13/2026", "13/13/2026 is no date: there is no month 13; write 2026-12-01, \"dec 1\" or \"1 dec\""),
                      ("0/14", "0/14 is no date: there is no month 0; write 2026-12-01, \"dec 1\" or \"1 dec\""),
                      ("friday the 13th", "the next 13th (2026-12-13) is a Sunday, not a Friday"),
                      ("monday 9", "9 alone is not a time: write 9am, 9pm or 9:00 (or \"monday the 9th\" for a day)"),
                      ("fri the 32nd", "day 32: a month has 1 to 31 days"),
                      ("31.02.2027", "February has 28 days in 2027")] as [(String, String?)])
    func namesWhatIsWrong(_ text: String, _ reason: String?) {
        guard let reason else {
            #expect(throws: Never.self) { try parser.parse(text, now: now) }
            return
        }
        #expect(throws: DueDateParser.Failure(input: text, reason: reason)) { try parser.parse(text, now: now) }
    }

    /// A time inside a daylight-saving gap does not exist: the calendar moves it, and the parser says so.
    @Test func saysWhenATimeFallsInADaylightSavingGap() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "America/New_York")!
        let due = try DueDateParser(calendar: calendar).understand("2027-03-14 02:30", now: now)
        #expect(due.adjustment?.hasPrefix("02:30 does not exist on 2027-03-14 in America/New_York (the clocks go forward): due 03:") == true, "\(due)")
        #expect(calendar.component(.hour, from: due.date) == 3)
        #expect(try DueDateParser(calendar: calendar).understand("2027-03-14 04:30", now: now).adjustment == nil)
    }
}
