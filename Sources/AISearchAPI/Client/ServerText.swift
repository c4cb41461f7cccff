/// Text that came from a server (error messages, item errors, log lines), made safe for a
/// terminal or a log line: escape sequences (`ESC [ … final`, `ESC ] … BEL/ST` and other
/// `ESC x` pairs) are removed, line breaks and tabs become spaces, and every other C0 or C1
/// control character, DEL and the bidirectional overrides (U+202A…U+202E, U+2066…U+2069) are
/// dropped. Printable text, any script, is kept as it is.
///
/// Keys are never passed through this where they are compared (they must stay byte-exact);
/// only where they are shown.
public func sanitizedServerText(_ text: String) -> String {
    var output = String.UnicodeScalarView()
    var scalars = text.unicodeScalars.makeIterator()
    while let scalar = scalars.next() {
        switch scalar.value {
        case 0x1B, 0x9B, 0x9D:
            skipEscapeSequence(startingWith: scalar, in: &scalars)
        case 0x09, 0x0A, 0x0D:
            output.append(" ")
        case 0x00..<0x20, 0x7F..<0xA0, 0x202A...0x202E, 0x2066...0x2069:
            continue
        default:
            output.append(scalar)
        }
    }
    return String(output)
}

/// Consumes the rest of an escape sequence: CSI (`ESC [` or U+009B) up to its final byte
/// (0x40…0x7E); OSC, DCS, SOS, PM, APC (`ESC ] P X ^ _` or U+009D) up to BEL or `ESC \`;
/// otherwise the one character after ESC.
private func skipEscapeSequence(startingWith first: Unicode.Scalar,
                                in scalars: inout String.UnicodeScalarView.Iterator) {
    var kind = first.value == 0x9B ? UInt32(0x5B) : first.value == 0x9D ? UInt32(0x5D) : 0
    if kind == 0 {
        guard let next = scalars.next() else { return }
        kind = next.value
    }
    switch kind {
    case 0x5B:  // CSI: parameters and intermediates, then one final byte
        while let scalar = scalars.next(), !(0x40...0x7E).contains(scalar.value) {}
    case 0x5D, 0x50, 0x58, 0x5E, 0x5F:  // string commands, ended by BEL or ST (ESC \)
        var previousWasEscape = false
        while let scalar = scalars.next() {
            if scalar.value == 0x07 || scalar.value == 0x9C || (previousWasEscape && scalar.value == 0x5C) { return }
            previousWasEscape = scalar.value == 0x1B
        }
    default:
        return  // a two-character escape: already consumed
    }
}
