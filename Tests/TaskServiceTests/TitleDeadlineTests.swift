import Foundation
import Testing
@testable import TaskService

@Suite struct TitleDeadlineTests {
    let dates = DueDateParserTests()

    func due(_ title: String) -> String? {
        TitleDeadline.find(in: title, parser: dates.parser, now: dates.now).map { "\($0.phrase) → \(dates.day($0.date))" }
    }

    /// Words recognisably meant as the deadline that name no date are said, and no shorter
    /// reading stands in for them ("by friday the 13th" is not the Friday after).
    @Test func aStatedDeadlineThatIsNoDateIsSaid() {
        let parser = dates.parser, now = dates.now
        func unreadable(_ title: String) -> String? {
            TitleDeadline.read(in: title, parser: parser, now: now).unreadable.map { "\($0.phrase): \($0.reason)" }
        }
        #expect(due("Renew the car tax by friday the 13th") == nil)
        #expect(unreadable("Renew the car tax by friday the 13th") == "by friday the 13th: the next 13th (2026-12-13) is a Sunday, not a Friday")
        #expect(unreadable("Renew by 2026-02-30") == "by 2026-02-30: February has 28 days in 2026")
        // A number last counts when a month leads: "by feb 30" is meant as a date.
        #expect(unreadable("Pay the plumber by feb 30")?.hasPrefix("by feb 30: February has 28 days in") == true)
        #expect(due("Party by sunday the 13th") == "by sunday the 13th → 2026-12-13 23:59")
        #expect(due("Pay by friday 13 invoices") == "by friday → 2026-11-27 23:59", "a bare number after the day may be anything")
        #expect(unreadable("Pay by friday") == nil && unreadable("Pay rent") == nil)
    }

    @Test func explicitDeadlines() {
        // Now is Thursday 2026-11-26.
        #expect(due("Pay the bill by friday") == "by friday → 2026-11-27 23:59")
        #expect(due("Submit the report before 2026-12-01.") == "before 2026-12-01 → 2026-11-30 23:59", "done by the day before")
        #expect(due("Call Dr. Okafor before friday 5pm") == "before friday 5pm → 2026-11-27 17:00", "a time is kept")
        #expect(due("Send it before midnight") == "before midnight → 2026-11-26 23:59")
        #expect(due("Call mom tomorrow") == "tomorrow → 2026-11-27 23:59")
        #expect(due("Review pull request 482 today!") == "today → 2026-11-26 23:59")
        #expect(due("Finish tomorrow's slides") == "tomorrow's → 2026-11-27 23:59")
        #expect(due("Renew the lease due in 3 days") == "due in 3 days → 2026-11-29 23:59")
        #expect(due("Dentist on Mon, bring the forms") == "on Mon → 2026-11-30 23:59")
        #expect(due("Book the venue by 2026-12-10 17:00") == "by 2026-12-10 17:00 → 2026-12-10 17:00")
        #expect(due("Answer Ana (by +2w)") == "by +2w → 2026-12-10 23:59")
        #expect(due("Pay rent by dec 1") == "by dec 1 → 2026-12-01 23:59")
        #expect(due("Send the deck by 5pm") == "by 5pm → 2026-11-26 17:00")
        #expect(due("Call mom tomorrow at 9am, she's free then") == "tomorrow at 9am → 2026-11-27 09:00")
        #expect(due("Dentist on Mon 14:30") == "on Mon 14:30 → 2026-11-30 14:30")
        #expect(due("Finish the essay before next friday") == "before next friday → 2026-12-03 23:59")
        #expect(due("Renew the lease by 1 March 2027 noon") == "by 1 March 2027 noon → 2027-03-01 12:00")
        #expect(due("Tax return due end of month") == "due end of month → 2026-11-30 23:59")
        #expect(due("Call mom tomorrow 2 times") == "tomorrow → 2026-11-27 23:59")
        #expect(due("call mom the day after tomorrow") == "day after tomorrow → 2026-11-28 23:59")
        #expect(due("Renew the permit by the day after tomorrow 9am") == "day after tomorrow 9am → 2026-11-28 09:00")
        #expect(due("buy milk tmrw") == "tmrw → 2026-11-27 23:59")
        #expect(due("Renew the lease due in a month") == "due in a month → 2026-12-26 23:59")
        #expect(due("Tomorrow: call the bank") == "Tomorrow → 2026-11-27 23:59")  // the first word may be capitalized
        #expect(due("Watch “Tomorrow” with Ana, then pay rent by friday") == "by friday → 2026-11-27 23:59")
        #expect(due("Send the visa forms by midnight") == "by midnight → 2026-11-26 23:59")
        #expect(due("Quarterly report due next week") == "due next week → 2026-11-30 23:59")
        #expect(due("Finish the essay by this friday 5pm") == "by this friday 5pm → 2026-11-27 17:00")
        #expect(due("Call the plumber back due in 2 hours") == "due in 2 hours → 2026-11-26 12:00")
    }

    @Test(arguments: ["Team sync Monday", "Plan the Friday party", "Put on sunscreen", "Send by satellite phone",
                      "Read Tuesdays with Morrie", "Sign up by the end of the month", "Pay rent", "", "by", "on",
                      "Meet Ana by 10", "Buy 2 apples", "Read chapter 5 on the train", "Vote on mars colony", "Work on next steps",
                      "Work on this doc", "Read about midnight sun", "Ship 1/2 of the boxes by van",
                      // Names, not deadlines: quoted, or a capitalized day inside the title.
                      "Watch The Day After Tomorrow", "Read \"Tomorrow, and Tomorrow, and Tomorrow\"", "Listen to the Today programme",
                      "Read “Tomorrow, and Tomorrow, and Tomorrow” by G. Zevin", "Rewatch \"Today\""])
    func noDeadline(_ title: String) {
        #expect(due(title) == nil)
    }
}
