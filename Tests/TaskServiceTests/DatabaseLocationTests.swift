import Testing
@testable import TaskService

@Suite struct DatabaseLocationTests {
    @Test func explicitPathWins() {
        let url = DatabaseLocation.resolve(explicit: "/tmp/a.sqlite", environment: ["SMART_TODO_DB": "/tmp/b.sqlite"], home: "/home/u")
        #expect(url.path == "/tmp/a.sqlite")
    }

    @Test func environmentThenXDG() {
        #expect(DatabaseLocation.resolve(explicit: nil, environment: ["SMART_TODO_DB": "~/t.db"], home: "/home/u").path == "/home/u/t.db")
        #expect(DatabaseLocation.resolve(explicit: nil, environment: ["XDG_DATA_HOME": "/data"], home: "/home/u").path == "/data/smart-todo/tasks.sqlite")
        #expect(DatabaseLocation.resolve(explicit: nil, environment: [:], home: "/home/u").path == "/home/u/.local/share/smart-todo/tasks.sqlite")
    }

    @Test func relativeXDGIsIgnored() {
        #expect(DatabaseLocation.resolve(explicit: nil, environment: ["XDG_DATA_HOME": "rel"], home: "/home/u").path == "/home/u/.local/share/smart-todo/tasks.sqlite")
    }
}
