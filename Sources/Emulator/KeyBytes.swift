/// An item key (or any text the emulator matches keys against) that is equal, hashes and sorts
/// by its UTF-8 bytes.
///
/// The service stores a key as the bytes it was sent: the NFC and NFD spellings of `café.md` are
/// two files on Linux and two items. Swift `String` equality is canonical equivalence and would
/// make them one (one upload replacing the other, `?key=` finding both, a delete of one hiding
/// the other), so every table, filter and sort over keys goes through this type. It wraps the
/// string rather than copying its bytes, so wrapping a stored key costs no allocation.
struct KeyBytes: Hashable, Comparable, Sendable, CustomStringConvertible {
    let text: String

    init(_ text: String) { self.text = text }

    var description: String { text }

    static func == (lhs: KeyBytes, rhs: KeyBytes) -> Bool {
        lhs.text.utf8.elementsEqual(rhs.text.utf8)
    }

    func hash(into hasher: inout Hasher) {
        let hashed: Void? = text.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil { Array(text.utf8).withUnsafeBytes { hasher.combine(bytes: $0) } }
        hasher.combine(text.utf8.count)
    }

    /// Byte order, which for UTF-8 is code point order.
    static func < (lhs: KeyBytes, rhs: KeyBytes) -> Bool {
        lhs.text.utf8.lexicographicallyPrecedes(rhs.text.utf8)
    }

    /// Whether `part`'s bytes occur in the key's bytes (the `?search=` filter): byte for byte,
    /// so `cafe` is found in an NFD `café` (as a JavaScript `includes` would) and an NFC `é`
    /// is not found in an NFD one.
    func contains(_ part: KeyBytes) -> Bool {
        let haystack = Array(text.utf8), needle = Array(part.text.utf8)
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { start in
            haystack[start..<(start + needle.count)].elementsEqual(needle)
        }
    }
}
