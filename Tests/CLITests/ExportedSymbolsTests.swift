import Foundation
import TestSupport
import Testing

/// `todo` is linked exporting no symbol (Package.swift): with the toolchain's default it exported
/// ~69,000, and the Swift runtime's start-up `dladdr` scanned them all, ~1.5 ms of every command.
@Suite struct ExportedSymbolsTests {
    @Test func todoExportsNoSymbols() throws {
        let nm = Process(), out = Pipe()
        nm.executableURL = URL(fileURLWithPath: "/usr/bin/nm")
        nm.arguments = ["--dynamic", "--defined-only", TodoCLI.binary.path]
        nm.standardOutput = out
        try nm.run()
        let listed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        nm.waitUntilExit()
        #expect(nm.terminationStatus == 0)
        let symbols = listed.split(separator: "\n")
        #expect(symbols.count < 100, "\(symbols.count) exported, e.g. \(symbols.prefix(3))")
    }
}
