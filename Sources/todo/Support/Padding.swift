extension String {
    /// This text followed by spaces up to `width` characters; a longer text is kept whole
    /// (`padding(toLength:)` would cut it: id 1000000000 printed as 10000).
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
