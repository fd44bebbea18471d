import Foundation
import Testing
import TaskPostgres
import TestSupport

extension TestDatabase {
    var location: PostgresLocation { get throws { try PostgresLocation(url: url) } }
}

@Suite struct TestClusterTests {
    @Test func theTestCommandProvidesACluster() {
        if ProcessInfo.processInfo.environment["SMART_TODO_REQUIRE_POSTGRES"] == "1" {
            #expect(TestDatabase.available, "Tools/test.sh starts a cluster: SMART_TODO_TEST_POSTGRES must be set")
        }
    }
}
