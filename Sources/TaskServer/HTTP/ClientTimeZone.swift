import Foundation
import HTTPTypes
import Hummingbird
import TaskService

/// The time zone a client reads dates in: a due date in words ("friday 5pm", "tomorrow") means
/// five o'clock on the client's Friday, not the server's. Sent as `Time-Zone: Europe/Paris` (an
/// IANA name; the page sends the browser's); without it, the server's own zone, as `todo` run
/// on that machine.
enum ClientTimeZone {
    static let header = HTTPField.Name("Time-Zone")!

    /// The parser of due dates for this request; a zone that is not an IANA name is a 400.
    static func dueDates(for request: Request) throws -> DueDateParser {
        guard let given = request.headers[header] else { return DueDateParser() }
        let name = given.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, let zone = TimeZone(identifier: name) else {
            throw Problem.invalid("Time-Zone", "must be an IANA time zone such as Europe/Paris or America/New_York (got \(name.debugDescription))")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return DueDateParser(calendar: calendar)
    }
}
