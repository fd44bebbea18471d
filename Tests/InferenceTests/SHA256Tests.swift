import Foundation
import Testing
@testable import Inference

@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func streamingEqualsOneShot() {
        let text = String(repeating: "Smart TODO ", count: 1000)
        var h = SHA256()
        for chunk in text.utf8.split(separator: UInt8(ascii: " ")) { h.update(chunk); h.update([UInt8(ascii: " ")]) }
        // split dropped nothing but the separators we re-added, except consecutive ones (none here)
        #expect(h.finalize() == SHA256.hex(text))
    }

    @Test func millionAs() {
        var h = SHA256()
        let block = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { h.update(block) }
        #expect(h.finalize() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
