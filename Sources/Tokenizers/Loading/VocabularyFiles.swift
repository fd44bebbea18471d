import Foundation
import JSONReader

/// Readers for the classic vocabulary files, with line numbers in every error.
enum VocabularyFiles {
    static func read(_ url: URL) throws -> Data {
        guard FileManager.default.fileExists(atPath: url.path) else { throw TokenizerError.fileNotFound(path: url.path) }
        do {
            return try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw TokenizerError.unreadableFile(path: url.path, reason: error.localizedDescription)
        }
    }

    static func text(_ url: URL) throws -> String {
        let data = try read(url)
        guard let text = String(data: data, encoding: .utf8) else {
            throw TokenizerError.unreadableFile(path: url.path, reason: "not valid UTF-8")
        }
        return text
    }

    /// The lines of a UTF-8 text file, split on LF bytes (a trailing CR is dropped):
    /// Swift's Character-based splitting would treat CRLF as one character.
    static func lines(_ url: URL) throws -> [Substring] {
        let text = try text(url)
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line -> Substring in
            let s = Substring(line)
            return s.utf8.last == UInt8(ascii: "\r") ? Substring(s.utf8.dropLast()) : s
        }
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// BERT's `vocab.txt`: one token per line, id = line number - 1.
    static func wordPieceVocabulary(_ url: URL) throws -> Vocabulary {
        var ids: [String: Int] = [:]
        for (i, line) in try lines(url).enumerated() {
            let token = String(line)
            if ids[token] != nil { throw TokenizerError.duplicateVocabularyToken(path: url.path, line: i + 1, token: token) }
            ids[token] = i
        }
        return Vocabulary(ids: ids)
    }

    /// GPT-2's `vocab.json`: `{token: id}`.
    static func jsonVocabulary(_ url: URL) throws -> Vocabulary {
        let fields = try JSONFields.parse(try read(url), path: url.path)
        return try jsonVocabulary(fields.object, path: url.path, field: "")
    }

    static func jsonVocabulary(_ object: [String: JSONValue], path: String, field: String) throws -> Vocabulary {
        // mapValues keeps the dictionary's hash table: no token is hashed again.
        let ids = object.mapValues { value -> Int in
            guard let n = value.int, n >= 0 else { return -1 }
            return n
        }
        var seen = [Bool](repeating: false, count: ids.count)
        for (token, n) in ids {
            guard n >= 0 else { throw TokenizerError.missingField(path: path, field: field.isEmpty ? token : "\(field).\(token)") }
            if n >= seen.count { seen += [Bool](repeating: false, count: n - seen.count + 1) }
            if seen[n] {
                throw TokenizerError.unsupported(path: path, component: "vocabulary", detail: "id \(n) is given to two tokens, one of them '\(token)'")
            }
            seen[n] = true
        }
        return Vocabulary(ids: ids)
    }

    /// GPT-2's `merges.txt`: an optional `#version` line, then `left right` per line.
    static func merges(_ url: URL) throws -> (pairs: [(String, String)], lines: [Int]) {
        var pairs: [(String, String)] = []
        var numbers: [Int] = []
        for (i, line) in try lines(url).enumerated() {
            if line.isEmpty || (i == 0 && line.hasPrefix("#version")) { continue }
            guard let pair = mergePair(line) else {
                throw TokenizerError.badMergeLine(path: url.path, line: i + 1, text: String(line))
            }
            pairs.append(pair)
            numbers.append(i + 1)
        }
        return (pairs, numbers)
    }

    /// `left right` split on the one space, by scalars (a space followed by a
    /// combining mark is one Swift Character).
    static func mergePair<S: StringProtocol>(_ line: S) -> (String, String)? {
        let parts = line.unicodeScalars.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return (String(String.UnicodeScalarView(parts[0])), String(String.UnicodeScalarView(parts[1])))
    }
}
