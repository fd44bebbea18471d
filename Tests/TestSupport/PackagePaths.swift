import Foundation

/// Where the tests find what the package holds: the checkout, its installed weights (fetched by
/// Tools/fetch-weights.sh, which the README's test command runs) and each suite's fixtures.
public enum PackagePaths {
    /// The package checkout (this file is Tests/TestSupport/PackagePaths.swift).
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Weights/, with the all-MiniLM-L6-v2 bundle once fetched.
    public static let weights = root.appendingPathComponent("Weights")

    /// A test target's Fixtures folder: `fixtures("InferenceTests")`.
    public static func fixtures(_ target: String) -> URL {
        root.appendingPathComponent("Tests").appendingPathComponent(target).appendingPathComponent("Fixtures")
    }
}
