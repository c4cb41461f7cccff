/// An incremental HTTP/1.1 request parser (RFC 9112): bytes go in as they arrive, in pieces of
/// any size, and requests come out in order.
///
/// A pure value: no I/O, no clock. For each request, `next()` yields `.head` once the header
/// section is complete (so a server can answer `Expect: 100-continue`), then `.end` with the
/// whole body (chunked bodies de-chunked). Bytes after a request stay buffered for the next one
/// (pipelining). After an error the parser stays failed: the connection must be closed, since
/// where the next request starts is unknown.
public struct HTTPRequestParser: Sendable {
    /// Size limits; exceeding one is an error whose `status` is the answer (414, 431, 413).
    public struct Limits: Hashable, Sendable {
        /// Longest request line, CRLF excluded (414 beyond).
        public var maxRequestLineBytes: Int
        /// Largest header section (request line and headers), and largest trailer section (431).
        public var maxHeaderBytes: Int
        /// Most header (or trailer) fields (431 beyond).
        public var maxHeaderCount: Int
        /// Largest body, after de-chunking (413 beyond).
        public var maxBodyBytes: Int
        /// Longest chunk-size line, extensions included (400 beyond).
        public var maxChunkLineBytes: Int

        public init(maxRequestLineBytes: Int = 8 * 1024, maxHeaderBytes: Int = 64 * 1024, maxHeaderCount: Int = 256,
                    maxBodyBytes: Int = 64 * 1024 * 1024, maxChunkLineBytes: Int = 4 * 1024) {
            self.maxRequestLineBytes = maxRequestLineBytes
            self.maxHeaderBytes = maxHeaderBytes
            self.maxHeaderCount = maxHeaderCount
            self.maxBodyBytes = maxBodyBytes
            self.maxChunkLineBytes = maxChunkLineBytes
        }
    }

    public enum Event: Sendable {
        /// The request line and headers are complete; the body (if any) follows.
        case head(HTTPRequestHead)
        /// The body is complete; the next request may follow.
        case end(body: [UInt8], trailers: HTTPHeaders)
    }

    private enum State: Sendable {
        case head
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case failed(HTTPParseError)
    }

    public let limits: Limits
    private var state = State.head
    private var buffer: [UInt8] = []
    /// Where the unconsumed bytes of `buffer` start.
    private var position = 0
    /// Head scanning progress, relative to `position`, kept so each byte is looked at once.
    private var scanOffset = 0
    private var lineStartOffset = 0
    private var requestLineEndOffset: Int?
    private var body: [UInt8] = []
    private var trailers = HTTPHeaders()
    private var trailerBytes = 0

    public init(limits: Limits = Limits()) { self.limits = limits }

    /// True between requests with nothing buffered: a good moment to close an idle connection.
    public var isIdle: Bool {
        if case .head = state { return position == buffer.count }
        return false
    }

    /// Bytes received but not yet consumed.
    public var bufferedByteCount: Int { buffer.count - position }

    /// Frees the buffer's memory when nothing is buffered (a connection going idle after a large
    /// request would otherwise keep its capacity).
    public mutating func releaseBuffer() {
        guard position == buffer.count else { return }
        buffer = []
        position = 0
    }

    /// Adds received bytes.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        if position == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            position = 0
        } else if position >= 64 * 1024, position * 2 >= buffer.count {
            buffer.removeSubrange(0..<position)
            position = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next event, nil if more bytes are needed. Throws once the stream is known to be
    /// malformed or over a limit, and on every call after that.
    public mutating func next() throws(HTTPParseError) -> Event? {
        do {
            return try step()
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func step() throws(HTTPParseError) -> Event? {
        while true {
            switch state {
            case .failed(let error):
                throw error
            case .head:
                guard let head = try parseHead() else { return nil }
                switch head.bodyFraming {
                case .none: state = .fixedBody(remaining: 0)
                case .contentLength(let length):
                    body.reserveCapacity(min(length, 1 << 20))
                    state = .fixedBody(remaining: length)
                case .chunked: state = .chunkSize
                }
                return .head(head)
            case .fixedBody(let remaining):
                let taken = takeBody(upTo: remaining)
                if taken < remaining {
                    state = .fixedBody(remaining: remaining - taken)
                    return nil
                }
                return finishMessage()
            case .chunkSize:
                guard let line = try takeLine(limit: limits.maxChunkLineBytes, tooLong: .invalidChunk) else { return nil }
                let size = try chunkSize(line)
                if size == 0 {
                    state = .trailers
                } else {
                    guard size <= limits.maxBodyBytes - body.count else { throw .bodyTooLarge }
                    state = .chunkData(remaining: size)
                }
            case .chunkData(let remaining):
                let taken = takeBody(upTo: remaining)
                if taken < remaining {
                    state = .chunkData(remaining: remaining - taken)
                    return nil
                }
                state = .chunkDataEnd
            case .chunkDataEnd:
                guard bufferedByteCount >= 2 else { return nil }
                guard buffer[position] == HTTPSyntax.cr, buffer[position + 1] == HTTPSyntax.lf else { throw .invalidChunk }
                position += 2
                state = .chunkSize
            case .trailers:
                let budget = limits.maxHeaderBytes - trailerBytes
                guard let line = try takeLine(limit: budget, tooLong: .headerTooLarge) else { return nil }
                trailerBytes += line.count + 2
                if line.isEmpty { return finishMessage() }
                guard trailers.fields.count < limits.maxHeaderCount else { throw .headerTooLarge }
                let field = try Self.field(line)
                trailers.add(name: field.name, value: field.value)
            }
        }
    }

    private mutating func finishMessage() -> Event {
        let event = Event.end(body: body, trailers: trailers)
        body = []
        trailers = HTTPHeaders()
        trailerBytes = 0
        state = .head
        return event
    }

    private mutating func takeBody(upTo count: Int) -> Int {
        let taken = min(count, bufferedByteCount)
        body.append(contentsOf: buffer[position..<position + taken])
        position += taken
        return taken
    }

    /// The next CRLF-terminated line (CRLF removed), nil if it has not fully arrived.
    private mutating func takeLine(limit: Int, tooLong: HTTPParseError) throws(HTTPParseError) -> ArraySlice<UInt8>? {
        guard let lineFeed = buffer[position...].firstIndex(of: HTTPSyntax.lf) else {
            // +1: the CR of a CRLF whose LF has not arrived yet.
            if bufferedByteCount > limit + 1 { throw tooLong }
            return nil
        }
        guard lineFeed > position, buffer[lineFeed - 1] == HTTPSyntax.cr else { throw .invalidLineEnding }
        let line = buffer[position..<lineFeed - 1]
        if line.count > limit { throw tooLong }
        position = lineFeed + 1
        return line
    }

    /// `chunk-size [ chunk-ext ]` (RFC 9112 section 7.1); extensions are checked and ignored.
    private func chunkSize(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> Int {
        var size = 0
        var index = line.startIndex
        while index < line.endIndex, let digit = HTTPSyntax.hexValue(line[index]) {
            let (shifted, overflow) = size.multipliedReportingOverflow(by: 16)
            guard !overflow else { throw .bodyTooLarge }
            size = shifted + Int(digit)
            index += 1
        }
        guard index > line.startIndex else { throw .invalidChunk }
        guard HTTPSyntax.parameters(line[index...]) != nil else { throw .invalidChunk }
        return size
    }
}

// MARK: - The header section

extension HTTPRequestParser {
    /// Parses the header section once it has fully arrived; nil until then.
    private mutating func parseHead() throws(HTTPParseError) -> HTTPRequestHead? {
        guard let headEndOffset = try scanHead() else { return nil }
        let head = buffer[position..<position + headEndOffset]
        let requestLineEnd = requestLineEndOffset!
        position += headEndOffset
        scanOffset = 0
        lineStartOffset = 0
        requestLineEndOffset = nil

        var headers = HTTPHeaders()
        var lineStart = head.startIndex + requestLineEnd + 2
        while lineStart < head.endIndex - 2 {
            let lineEnd = head[lineStart...].firstIndex(of: HTTPSyntax.cr)!
            guard headers.fields.count < limits.maxHeaderCount else { throw .headerTooLarge }
            let field = try Self.field(head[lineStart..<lineEnd])
            headers.add(name: field.name, value: field.value)
            lineStart = lineEnd + 2
        }
        return try Self.interpret(requestLine: head.prefix(requestLine: requestLineEnd), headers: headers, limits: limits)
    }

    /// Finds the end of the header section (the offset past its empty line), checking line
    /// endings and limits on the way; nil if it has not arrived yet.
    private mutating func scanHead() throws(HTTPParseError) -> Int? {
        var offset = scanOffset
        defer { scanOffset = offset }
        while position + offset < buffer.count {
            let byte = buffer[position + offset]
            offset += 1
            guard byte == HTTPSyntax.lf else {
                if byte == HTTPSyntax.cr, position + offset < buffer.count, buffer[position + offset] != HTTPSyntax.lf {
                    throw .invalidLineEnding
                }
                continue
            }
            let lineEnd = offset - 1
            guard lineEnd > lineStartOffset, buffer[position + lineEnd - 1] == HTTPSyntax.cr else { throw .invalidLineEnding }
            let lineLength = lineEnd - 1 - lineStartOffset
            if requestLineEndOffset == nil {
                if lineLength == 0 {
                    // RFC 9112 section 2.2: ignore empty lines before the request line.
                    position += offset
                    offset = 0
                    lineStartOffset = 0
                    continue
                }
                if lineLength > limits.maxRequestLineBytes { throw .requestLineTooLong }
                requestLineEndOffset = lineEnd - 1
            } else if lineLength == 0 {
                if offset > limits.maxHeaderBytes { throw .headerTooLarge }
                return offset
            }
            lineStartOffset = offset
        }
        if requestLineEndOffset == nil, offset - lineStartOffset > limits.maxRequestLineBytes + 1 { throw .requestLineTooLong }
        if offset > limits.maxHeaderBytes { throw .headerTooLarge }
        return nil
    }

    /// `field-name ":" OWS field-value OWS`.
    fileprivate static func field(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> (name: String, value: String) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { throw .invalidHeader }
        let name = line[line.startIndex..<colon]
        let value = HTTPSyntax.trimmed(line[(colon + 1)...])
        guard HTTPSyntax.isToken(name), value.allSatisfy(HTTPSyntax.isFieldValueByte) else { throw .invalidHeader }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }
}

extension ArraySlice<UInt8> {
    fileprivate func prefix(requestLine length: Int) -> ArraySlice<UInt8> { self[startIndex..<startIndex + length] }
}
