/// Cuts a document into overlapping chunks the way AI Search's "recursive chunking" does:
/// at paragraphs if it can, then lines, then sentences, then words, and inside a word only when
/// one word is longer than half a chunk.
///
/// **Sizes are in approximate tokens.** Cloudflare counts `chunk_size` in embedding-model tokens
/// (default 256) and `chunk_overlap` as a percentage of it (0 … 30 %, default 10). Without the
/// model's tokenizer we count what a BPE tokenizer's pre-tokenizer would see:
/// - a word (letters and numbers) is one token per started 8 characters (`Character`s),
/// - each Han ideograph or kana is one token,
/// - a run of punctuation or symbols is one token per started 4 characters,
/// - white space is free (it joins the token after it).
/// English prose comes out close to a real tokenizer (a little under for rare long words).
///
/// **Where a chunk ends.** A chunk takes at most `chunkSize` tokens and at least half of that
/// (unless the text ends first). Within that window it ends before the strongest break, the
/// latest of equally strong ones; breaks from strongest to weakest: blank line, line break,
/// sentence end (`.`, `!`, `?`, `…` before white space; `。`, `！`, `？` anywhere), other white
/// space, a change between word, ideograph and punctuation with no space, and last inside a word.
///
/// **Overlap.** The next chunk starts `floor(chunkSize × overlap / 100)` tokens before the end of
/// the previous one, moved forward to the first word start (a token after white space) so that
/// it does not begin mid-word; with overlap 0 chunks meet exactly. Every chunk starts after the
/// previous one's start, so chunking always finishes.
///
/// **Offsets.** Chunks are byte ranges (end exclusive) of the text's UTF-8 bytes, always on
/// `Character` boundaries. The first chunk starts at byte 0, the last ends at the last byte, and
/// each chunk ends where the next token after it starts (white space between chunks belongs to
/// the earlier one), so together the chunks cover every byte, in order. An empty text has no
/// chunks; a text of white space only is one chunk.
public struct TextChunker: Sendable, Hashable {
    /// Cloudflare's default `chunk_size`, in tokens.
    public static let defaultChunkSize = 256
    /// Cloudflare's default `chunk_overlap`, in percent of the chunk size.
    public static let defaultOverlapPercent = 10
    /// The largest overlap Cloudflare accepts, in percent.
    public static let maximumOverlapPercent = 30

    /// Tokens per chunk, at least 1.
    public let chunkSize: Int
    /// Overlap between neighbouring chunks in percent of `chunkSize`, 0 … 30.
    public let overlapPercent: Int

    /// `nil` picks Cloudflare's default. Values out of range are clamped, not rejected: the
    /// endpoints validate instance settings; the index only needs something it can run with.
    public init(chunkSize: Int? = nil, overlapPercent: Int? = nil) {
        self.chunkSize = min(max(chunkSize ?? Self.defaultChunkSize, 1), 1 << 24)
        self.overlapPercent = min(max(overlapPercent ?? Self.defaultOverlapPercent, 0), Self.maximumOverlapPercent)
    }

    /// The chunks of `text` as UTF-8 byte ranges, in order (see the type's documentation).
    public func chunkRanges(of text: String) -> [Range<Int>] {
        let (tokens, byteCount) = Self.tokens(of: text)
        guard !tokens.isEmpty else { return byteCount == 0 ? [] : [0..<byteCount] }
        let overlap = chunkSize * overlapPercent / 100
        let shortest = max(1, (chunkSize + 1) / 2)
        var ranges: [Range<Int>] = []
        var first = 0
        while true {
            let end = endOfChunk(startingAt: first, tokens: tokens, shortest: shortest)
            let startByte = ranges.isEmpty ? 0 : tokens[first].startByte
            let endByte = end == tokens.count ? byteCount : tokens[end].startByte
            ranges.append(startByte..<endByte)
            if end == tokens.count { return ranges }
            first = overlap == 0 ? end : startOfOverlap(before: end, previousStart: first, overlap: overlap, tokens: tokens)
        }
    }

    /// The index of the first token after the chunk that starts at token `first`.
    private func endOfChunk(startingAt first: Int, tokens: [Token], shortest: Int) -> Int {
        let limit = first + chunkSize
        guard limit < tokens.count else { return tokens.count }
        var best = limit
        for candidate in stride(from: limit - 1, through: first + shortest, by: -1)
        where tokens[candidate].breakBefore > tokens[best].breakBefore {
            best = candidate
        }
        return best
    }

    /// Where the chunk after one ending before token `end` starts: `overlap` tokens back, then
    /// forward to the first word start, never at or before `previousStart`.
    private func startOfOverlap(before end: Int, previousStart: Int, overlap: Int, tokens: [Token]) -> Int {
        let earliest = max(previousStart + 1, end - overlap)
        for candidate in earliest...end where tokens[candidate].breakBefore >= .space {
            return candidate
        }
        return earliest
    }
}

extension TextChunker {
    /// How good a place the gap before a token is for ending a chunk; higher is better.
    enum Break: Int, Comparable {
        case insideWord, adjacent, space, sentence, line, paragraph
        static func < (lhs: Break, rhs: Break) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// One counted token: where it starts and how strong the break before it is.
    struct Token {
        var startByte: Int
        var breakBefore: Break
    }

    private enum Run { case none, word, symbol }

    /// Splits `text` into counted tokens and returns them with the text's UTF-8 length.
    static func tokens(of text: String) -> (tokens: [Token], byteCount: Int) {
        var tokens: [Token] = []
        var offset = 0
        var run = Run.none
        var runLength = 0
        var newlines = 0
        var sawSpace = false
        var previous: Character? = nil

        func gapBreak() -> Break {
            if newlines >= 2 { return .paragraph }
            if newlines == 1 { return .line }
            if let previous, isSentenceEnd(previous) { return .sentence }
            return .space
        }

        for character in text {
            let kind = CharacterKind(character)
            switch kind {
            case .space, .newline:
                if kind == .newline { newlines += 1 }
                sawSpace = true
                run = .none
            case .word, .symbol, .ideograph:
                let wanted: Run = kind == .word ? .word : kind == .symbol ? .symbol : .none
                let pieceLength = kind == .word ? 8 : 4
                if tokens.isEmpty {
                    tokens.append(Token(startByte: offset, breakBefore: .paragraph))
                    runLength = 1
                } else if sawSpace {
                    tokens.append(Token(startByte: offset, breakBefore: gapBreak()))
                    runLength = 1
                } else if wanted != .none && wanted == run {
                    if runLength == pieceLength {
                        tokens.append(Token(startByte: offset, breakBefore: .insideWord))
                        runLength = 0
                    }
                    runLength += 1
                } else {
                    let cjkSentence = previous.map(isCJKSentenceEnd) ?? false
                    tokens.append(Token(startByte: offset, breakBefore: cjkSentence ? .sentence : .adjacent))
                    runLength = 1
                }
                run = wanted
                newlines = 0
                sawSpace = false
                previous = character
            }
            offset += character.utf8.count
        }
        return (tokens, offset)
    }

    private static func isSentenceEnd(_ character: Character) -> Bool {
        character == "." || character == "!" || character == "?" || character == "…" || isCJKSentenceEnd(character)
    }

    private static func isCJKSentenceEnd(_ character: Character) -> Bool {
        character == "。" || character == "！" || character == "？"
    }
}
