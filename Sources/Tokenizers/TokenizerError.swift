import Foundation

/// Everything that can go wrong loading or running a tokenizer, naming the file
/// and the offending line, field or token so the user can fix it.
public enum TokenizerError: Error, Equatable, LocalizedError {
    case fileNotFound(path: String)
    case unreadableFile(path: String, reason: String)
    case malformedJSON(path: String, detail: String)
    case missingField(path: String, field: String)
    case unsupported(path: String, component: String, detail: String)
    case unknownTokenNotInVocabulary(path: String, token: String)
    case specialTokenNotInVocabulary(path: String, token: String)
    case badMergeLine(path: String, line: Int, text: String)
    case mergeTokenNotInVocabulary(path: String, line: Int, token: String)
    case mergeResultNotInVocabulary(path: String, line: Int, token: String)
    case duplicateVocabularyToken(path: String, line: Int, token: String)
    case invalidTruncation(String)
    case invalidWindow(String)

    public var errorDescription: String? {
        switch self {
        case .fileNotFound(let path):
            return "\(path): no such tokenizer file or directory (expected tokenizer.json, vocab.txt, or vocab.json with merges.txt)"
        case .unreadableFile(let path, let reason):
            return "\(path): cannot be read: \(reason)"
        case .malformedJSON(let path, let detail):
            return "\(path): malformed JSON: \(detail)"
        case .missingField(let path, let field):
            return "\(path): missing or invalid field '\(field)'"
        case .unsupported(let path, let component, let detail):
            return "\(path): unsupported \(component): \(detail)"
        case .unknownTokenNotInVocabulary(let path, let token):
            return "\(path): the unknown token '\(token)' is not in the vocabulary"
        case .specialTokenNotInVocabulary(let path, let token):
            return "\(path): the special token '\(token)' is not in the vocabulary"
        case .badMergeLine(let path, let line, let text):
            return "\(path):\(line): a merge must be two tokens separated by one space, got '\(text)'"
        case .mergeTokenNotInVocabulary(let path, let line, let token):
            return "\(path):\(line): merge names '\(token)', which is not in the vocabulary"
        case .mergeResultNotInVocabulary(let path, let line, let token):
            return "\(path):\(line): merge result '\(token)' is not in the vocabulary"
        case .duplicateVocabularyToken(let path, let line, let token):
            return "\(path):\(line): token '\(token)' appears twice in the vocabulary"
        case .invalidTruncation(let detail):
            return "truncation: \(detail)"
        case .invalidWindow(let detail):
            return "windows: \(detail)"
        }
    }
}
