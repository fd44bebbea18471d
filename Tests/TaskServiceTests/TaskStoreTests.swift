import Foundation
import Testing
import Tokenizers
@testable import TaskService
import SeededRandom

@Suite struct TaskStoreTests {
    static func scratchDB() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("tasks-\(UUID().uuidString)/tasks.sqlite")
    }

    @Test func addShowDoneDelete() throws {
        let store = try TaskStore()
        let a = try store.add(TodoTask(title: "Buy milk", tags: ["groceries"]))
        let b = try store.add(TodoTask(title: "Renew passport", priority: .high))
        #expect(a.id == 1 && b.id == 2)
        #expect(try store.task(id: 2).title == "Renew passport")
        let done = try store.markDone(ids: [1])[0]
        #expect(done.status == .done && done.completed != nil)
        _ = try store.delete(ids: [1])[0]
        #expect(throws: StoreError.unknownTask(id: 1)) { try store.task(id: 1) }
        // Ids never shift: the next task is 3, not 1 or 2.
        #expect(try store.add(TodoTask(title: "Call mom")).id == 3)
        #expect(try store.tasks().map(\.id) == [2, 3])
        #expect(throws: StoreError.unknownTask(id: 99)) { try store.task(id: 99) }
    }

    @Test func doneKeepsItsFirstCompletionAndReopenClearsIt() throws {
        let store = try TaskStore()
        let first = Date(timeIntervalSince1970: 1_795_687_200)
        _ = try store.add(TodoTask(title: "Buy milk"))
        let done = try store.markDone(ids: [1], now: first)[0]
        let again = try store.markDone(ids: [1], now: first.addingTimeInterval(86_400))[0]
        #expect(again.completed == done.completed && again.updated == done.updated)
        let reopened = try store.reopen(ids: [1], now: first.addingTimeInterval(100))[0]
        #expect(reopened.status == .pending && reopened.completed == nil)
        #expect(try store.task(id: 1).status == .pending)
        // A pending task is left as it is.
        #expect(try store.reopen(ids: [1], now: first.addingTimeInterval(200))[0].updated == reopened.updated)
        #expect(throws: StoreError.unknownTask(id: 9)) { try store.reopen(ids: [9])[0] }
    }

    @Test func filters() throws {
        let store = try TaskStore()
        let now = Date()
        _ = try store.add(TodoTask(title: "a", category: "Work", priority: .high, tags: ["Report"], due: now.addingTimeInterval(3600)))
        _ = try store.add(TodoTask(title: "b", category: "Personal", priority: .low, due: now.addingTimeInterval(86400 * 10)))
        _ = try store.add(TodoTask(title: "c"))
        _ = try store.add(TodoTask(title: "d", tags: ["Ärzte"]))
        #expect(try store.tasks(TaskFilter(category: "work")).map(\.title) == ["a"])
        #expect(try store.tasks(TaskFilter(priority: .low)).map(\.title) == ["b"])
        #expect(try store.tasks(TaskFilter(tag: "report")).map(\.title) == ["a"])
        #expect(try store.tasks(TaskFilter(tag: "ärzte")).map(\.title) == ["d"])  // beyond ASCII, any case too
        #expect(try store.tasks(TaskFilter(dueBefore: now.addingTimeInterval(86400))).map(\.title) == ["a"])
        #expect(try store.tasks(TaskFilter(dueAfter: now.addingTimeInterval(86400))).map(\.title) == ["b"])
    }

    /// The urgency order from one indexed query per priority and due bucket is the order of
    /// sorting every task by `Prioritizer.urgency`, with and without filters and limits.
    @Test func mostUrgentEqualsSortingEveryTask() throws {
        let store = try TaskStore()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var rng = SeededGenerator(seed: 5)
        let offsets: [Double?] = [nil, -86_400 * 3, -3600, -30, 0, 30, 90, 3600, 86_400 * 2, 86_400 * 2 + 60, 86_400 * 2 + 61, 86_400 * 5,
                                  86_400 * 7 + 60, 86_400 * 9, 86_400 * 14 + 60, 86_400 * 14 + 61, 86_400 * 40]
        for i in 0..<400 {
            let offset = offsets[Int.random(in: 0..<offsets.count, using: &rng)]
            var t = TodoTask(title: "t\(i)", category: ["Work", "Home", nil][i % 3], priority: [.high, .medium, .low, nil][Int.random(in: 0..<4, using: &rng)],
                             tags: i % 5 == 0 ? ["x"] : [], due: offset.map { now.addingTimeInterval($0) }, now: now)
            t = try store.add(t, now: now)
            if i % 7 == 0 { _ = try store.markDone(ids: [t.id!], now: now) }
            if i % 11 == 0 { _ = try store.delete(ids: [t.id!], now: now) }
        }
        let prioritizer = Prioritizer(coefficients: PriorityCoefficients())
        for filter in [TaskFilter(), TaskFilter(status: nil), TaskFilter(status: .done), TaskFilter(category: "work"), TaskFilter(tag: "X"),
                       TaskFilter(priority: .medium), TaskFilter(dueBefore: now.addingTimeInterval(86_400 * 3))] {
            let all = try store.tasks(filter)
            let urgency = Dictionary(uniqueKeysWithValues: all.map { ($0.id!, prioritizer.urgency(of: $0, now: now)) })
            let expected = all.sorted { urgency[$0.id!]! != urgency[$1.id!]! ? urgency[$0.id!]! > urgency[$1.id!]! : $0.id! < $1.id! }.map(\.id)
            for limit in [1, 5, 20, 1000] {
                let (shown, total) = try store.mostUrgent(filter, limit: limit, prioritizer: prioritizer, now: now)
                #expect(shown.map(\.id) == Array(expected.prefix(limit)), "\(filter) limit \(limit)")
                #expect(total == all.count)
            }
            #expect(try store.mostUrgent(filter, limit: nil, prioritizer: prioritizer, now: now).tasks.map(\.id) == expected)
        }
    }

    /// One rule for where a due date stands: `explain` and `list`'s order agree at every boundary
    /// (a task due an hour ago was "due within 2 days" in one and overdue in the other).
    @Test func explainAndListAgreeOnTheDueBucket() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let prioritizer = Prioritizer(coefficients: PriorityCoefficients())
        let calm = PrioritySignals(urgencyCue: nil, urgencyMeaning: 0, stakes: 0, leadTime: 0)
        let offsets: [TimeInterval] = [-3600, -1, 59, 60, 61, 86_400 * 2 + 60, 86_400 * 2 + 61, 86_400 * 7 + 60, 86_400 * 7 + 61, 86_400 * 14 + 60, 86_400 * 14 + 61]
        for offset in offsets {
            let due = now.addingTimeInterval(offset)
            let explained = prioritizer.explain(signals: calm, due: due, created: now, now: now)
            let term = explained.terms.first { $0.name.hasPrefix("due") || $0.name == "overdue" }?.contribution ?? 0
            let task = TodoTask(title: "x", due: due, now: now)
            #expect(abs(prioritizer.urgency(of: task, now: now) - term) < 0.01, "\(offset): explain \(term), urgency \(prioritizer.urgency(of: task, now: now))")
        }
        #expect(prioritizer.explain(signals: calm, due: now.addingTimeInterval(-3600), created: now, now: now).terms.first?.name == "overdue")
        #expect(prioritizer.explain(signals: calm, due: now.addingTimeInterval(-3600), created: now, now: now).terms.first?.why == "was due 1 hour ago")
    }

    @Test func theSchemaRefusesAnEmptyTitle() throws {
        let store = try TaskStore()
        #expect(throws: StoreError.self) { try store.add(TodoTask(title: "   ")) }
        #expect(try store.count() == 0)
    }

    @Test func aFiveMegabyteDescriptionIsKeptWhole() throws {
        let store = try TaskStore()
        let description = String(repeating: "Meeting notes, paragraph after paragraph. ", count: 5_000_000 / 42)
        let t = try store.add(TodoTask(title: "Notes", description: description))
        #expect(try store.task(id: t.id!).description == description)
    }

    @Test func persistsAcrossOpens() throws {
        let url = Self.scratchDB()
        let first = try TaskStore(url: url)
        let t = try first.add(TodoTask(title: "Survives reopening", tags: ["a", "b"], due: Date(timeIntervalSince1970: 1_800_000_000)))
        let reopened = try TaskStore(url: url)
        #expect(try reopened.task(id: t.id!) == t)
    }

    /// The WAL file outlives the last connection, so the next process opens without writing
    /// (GRDB would otherwise create and drop a table to recreate it, with two fsyncs).
    @Test func theWriteAheadLogIsKeptBetweenOpens() throws {
        let url = Self.scratchDB()
        let wal = URL(fileURLWithPath: url.path + "-wal")
        do {
            let store = try TaskStore(url: url)
            _ = try store.add(TodoTask(title: "Written through the log"))
        }
        #expect(FileManager.default.fileExists(atPath: wal.path))
        let size = try FileManager.default.attributesOfItem(atPath: wal.path)[.size] as? Int ?? 0
        #expect(size > 0)
        let modified = try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date
        Thread.sleep(forTimeInterval: 0.02)
        do { #expect(try TaskStore(url: url).tasks().map(\.title) == ["Written through the log"]) }
        #expect(try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date == modified)
    }

    /// Writers on separate connections (as separate `todo` processes are) never lose a task.
    @Test func parallelWritersLoseNothing() async throws {
        let url = Self.scratchDB()
        _ = try TaskStore(url: url)
        let writers = 8, each = 40
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    let store = try TaskStore(url: url)  // its own pool, like another process
                    for i in 0..<each { _ = try store.add(TodoTask(title: "writer \(w) task \(i)")) }
                }
            }
            try await group.waitForAll()
        }
        let tasks = try TaskStore(url: url).tasks()
        #expect(tasks.count == writers * each)
        #expect(Set(tasks.map(\.id)).count == writers * each)
        #expect(Set(tasks.map(\.title)).count == writers * each)
    }

    /// Several `todo` commands opening a database that does not exist yet, at the same moment:
    /// every one succeeds (they raced to create the tables: "table task already exists").
    @Test func firstOpensRacingEachOtherAllSucceed() async throws {
        for _ in 0..<10 {
            let url = Self.scratchDB()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<6 { group.addTask { _ = try TaskStore(url: url).add(TodoTask(title: "opener \(w)")) } }
                try await group.waitForAll()
            }
            #expect(try TaskStore(url: url).tasks().count == 6)
        }
    }

    @Test func aCorruptFileGivesAClearErrorAndIsLeftAlone() throws {
        let corrupt = Self.scratchDB()
        try FileManager.default.createDirectory(at: corrupt.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(repeating: 0x41, count: 8192).write(to: corrupt)
        #expect(throws: StoreError.corrupt(path: corrupt.path)) { try TaskStore(url: corrupt) }
        #expect(try Data(contentsOf: corrupt) == Data(repeating: 0x41, count: 8192))  // untouched
        // Read-only files and folders: ReadOnlyStoreTests.
    }
}

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
        #expect(day(try parser.parse("next friday", now: now)) == "2026-12-04 23:59")  // next week's, not tomorrow
        #expect(day(try parser.parse("next monday", now: now)) == "2026-11-30 23:59")
        #expect(day(try parser.parse("eom", now: now)) == "2026-11-30 23:59")
        #expect(day(try parser.parse("yesterday 5pm", now: now)) == "2026-11-25 17:00")  // already late, on purpose
        #expect(day(try parser.parse("end of month", now: now)) == "2026-11-30 23:59")
        #expect(day(try parser.parse("tomorrow 9am", now: now)) == "2026-11-27 09:00")
        #expect(day(try parser.parse("tmrw", now: now)) == "2026-11-27 23:59")
        #expect(day(try parser.parse("in a week", now: now)) == "2026-12-03 23:59")
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

    @Test(arguments: ["", "next blue moon", "12/01/2026", "+", "in x days", "dec", "1 2", "next", "next week", "5", "at 5pm on",
                      "dec 1 2026 5", "+1:00", "2026-+1-01", "dec ١"])
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
                      ("+4000d", "4000 d is too far: at most 3650 days, 520 weeks or 120 months")] as [(String, String?)])
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

@Suite struct StoredDatesTests {
    /// Every millisecond value survives a store round trip exactly (it once came back 1 ms early).
    @Test func everyMillisecondRoundTrips() throws {
        let store = try TaskStore()
        let base = 1_795_687_200.0
        var expected: [Int64: Date] = [:]
        for ms in stride(from: 0, to: 1000, by: 7) {
            let due = Date(timeIntervalSince1970: base + Double(ms) / 1000)
            let t = try store.add(TodoTask(title: "t\(ms)", due: due, now: due))
            expected[t.id!] = t.due
        }
        for (id, due) in expected {
            let back = try store.task(id: id)
            #expect(back.due == due && back.created == due)
        }
        #expect(try store.tasks(TaskFilter(status: nil, dueBefore: Date(timeIntervalSince1970: base + 0.5))).count == 72)
    }
}

@Suite struct TitleDeadlineTests {
    let dates = DueDateParserTests()

    func due(_ title: String) -> String? {
        TitleDeadline.find(in: title, parser: dates.parser, now: dates.now).map { "\($0.phrase) → \(dates.day($0.date))" }
    }

    @Test func explicitDeadlines() {
        // Now is Thursday 2026-11-26.
        #expect(due("Pay the bill by friday") == "by friday → 2026-11-27 23:59")
        #expect(due("Submit the report before 2026-12-01.") == "before 2026-12-01 → 2026-12-01 23:59")
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
        #expect(due("Finish the essay before next friday") == "before next friday → 2026-12-04 23:59")
        #expect(due("Renew the lease by 1 March 2027 noon") == "by 1 March 2027 noon → 2027-03-01 12:00")
        #expect(due("Tax return due end of month") == "due end of month → 2026-11-30 23:59")
        #expect(due("Call mom tomorrow 2 times") == "tomorrow → 2026-11-27 23:59")
        #expect(due("call mom the day after tomorrow") == "day after tomorrow → 2026-11-28 23:59")
        #expect(due("Renew the permit by the day after tomorrow 9am") == "day after tomorrow 9am → 2026-11-28 09:00")
        #expect(due("buy milk tmrw") == "tmrw → 2026-11-27 23:59")
        #expect(due("Renew the lease due in a month") == "due in a month → 2026-12-26 23:59")
        #expect(due("Tomorrow: call the bank") == "Tomorrow → 2026-11-27 23:59")  // the first word may be capitalized
        #expect(due("Watch “Tomorrow” with Ana, then pay rent by friday") == "by friday → 2026-11-27 23:59")
    }

    @Test(arguments: ["Team sync Monday", "Plan the Friday party", "Put on sunscreen", "Send by satellite phone",
                      "Read Tuesdays with Morrie", "Sign up by the end of the month", "Pay rent", "", "by", "on",
                      "Meet Ana by 10", "Buy 2 apples", "Read chapter 5 on the train", "Vote on mars colony", "Work on next steps",
                      // Names, not deadlines: quoted, or a capitalized day inside the title.
                      "Watch The Day After Tomorrow", "Read \"Tomorrow, and Tomorrow, and Tomorrow\"", "Listen to the Today programme",
                      "Read “Tomorrow, and Tomorrow, and Tomorrow” by G. Zevin", "Rewatch \"Today\""])
    func noDeadline(_ title: String) {
        #expect(due(title) == nil)
    }
}
