import Foundation
import LinuxSystem
import Synchronization

/// The production transport: libcurl's easy interface, one blocking `curl_easy_perform` per
/// exchange on a thread of its own while it lasts (`BlockingThreads`, reused; or the calling
/// thread, when the job pool can lend it; see `LibCurl` for why not URLSession).
///
/// What it guarantees:
/// - **No CPU while waiting**: the thread sleeps in `poll(2)`; libcurl wakes it about once a
///   second to ask whether the exchange was cancelled.
/// - **No redirect is followed**, to any origin: a 3xx answer with a `Location` throws
///   `TransportError` `.redirected` naming where it pointed, so the credentials in the headers
///   only ever go to the base URL's host.
/// - **Bounded answers**: a body over `TransportRequest.maxResponseBytes` ends the exchange at
///   once (by `Content-Length`, or by counting as it streams in) with `.responseTooLarge`.
/// - **Errors that say what happened**: refused, host not found, reset, timed out, not HTTP, the
///   TLS certificate problem in libcurl's words. Cookies, caches and credential stores: none.
/// - Cancelling the calling task ends the exchange within about a second (`CancellationError`).
///
/// Handles (and so their open connections) are reused: at most `maxIdleHandles` wait for the
/// next exchange.
public final class CurlTransport: HTTPTransport, Sendable {
    private let idleHandles = Mutex<[CurlHandle]>([])
    private let maxIdleHandles = 8

    public init() {}

    deinit {
        guard case .success(let curl) = LibCurl.shared else { return }
        for handle in idleHandles.withLock({ $0 }) { curl.easyCleanup(handle.pointer) }
    }

    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        let curl = try LibCurl.shared.get()
        guard let url = URL(string: request.url), let scheme = url.scheme?.lowercased(),
              scheme == "https" || scheme == "http", url.host != nil else {
            throw TransportError(code: .badURL, detail: "not an http(s) URL")
        }
        let exchange = CurlExchange(request: request)
        let handle = idleHandles.withLock { $0.popLast() } ?? CurlHandle(pointer: curl.easyInit())
        guard let pointer = handle.pointer else { throw TransportError(code: .other, detail: "curl_easy_init failed") }
        let outcome = await withTaskCancellationHandler {
            await BlockingThreads.shared.perform { exchange.perform(on: handle, with: curl) }
        } onCancel: {
            exchange.cancel()
        }
        let osErrno = Int32(truncatingIfNeeded: curl.info(pointer, .osErrno))
        let status = curl.info(pointer, .responseCode)
        curl.easyReset(pointer)
        let kept = idleHandles.withLock { handles -> Bool in
            guard handles.count < maxIdleHandles else { return false }
            handles.append(handle)
            return true
        }
        if !kept { curl.easyCleanup(pointer) }

        if exchange.isCancelled { throw CancellationError() }
        if exchange.isTooLarge || outcome == 63 {
            throw TransportError(code: .responseTooLarge, detail: "more than \(Self.byteCount(request.maxResponseBytes))")
        }
        if outcome != 0 {
            throw CurlFailure.transportError(code: outcome, osErrno: osErrno, message: exchange.errorMessage,
                                             timeout: request.timeout)
        }
        let response = TransportResponse(status: status, headers: exchange.responseHeaders, body: exchange.responseBody)
        if (300..<400).contains(status), let location = response.headers["location"] {
            throw TransportError(code: .redirected,
                                 detail: RedirectTarget.describe(status: status, location: location, from: url))
        }
        return response
    }

    static func byteCount(_ bytes: Int) -> String {
        bytes % (1024 * 1024) == 0 ? "\(bytes / (1024 * 1024)) MiB" : "\(bytes) bytes"
    }
}

/// The previous name of the production transport, kept so existing callers compile.
public typealias URLSessionTransport = CurlTransport

/// A libcurl easy handle moved between the pool and an exchange's thread.
struct CurlHandle: @unchecked Sendable {
    // @unchecked: a handle is used by one exchange at a time (the pool hands it out once).
    let pointer: LibCurl.Handle?
}

/// The state of one exchange, shared by its thread and libcurl's callbacks (which run on that
/// thread). Only `cancelled` is touched from elsewhere.
final class CurlExchange: @unchecked Sendable {
    // @unchecked: everything but `cancelled` (atomic) is used by the exchange's thread alone
    // until `perform` returns, and by the awaiting task after that.
    let request: TransportRequest
    var responseHeaders = TransportHeaders()
    var responseBody: [UInt8] = []
    var isTooLarge = false
    var errorMessage = ""
    private let cancelled = Atomic<Bool>(false)

    init(request: TransportRequest) { self.request = request }

    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
    func cancel() { cancelled.store(true, ordering: .relaxed) }

    /// Sets the handle up for this request and runs it; answers the `CURLcode`.
    func perform(on curlHandle: CurlHandle, with curl: LibCurl) -> Int32 {
        guard let handle = curlHandle.pointer else { return 27 }  // CURLE_OUT_OF_MEMORY
        var headerList: LibCurl.HeaderList?
        var lines = request.headers.map { "\($0.name): \($0.value)" }
        // No `Expect: 100-continue` round trip before a body, and no form content type that
        // libcurl would otherwise add to a body sent without one.
        lines.append("Expect:")
        if request.headers["content-type"] == nil { lines.append("Content-Type:") }
        for line in lines { headerList = line.withCString { curl.slistAppend(headerList, $0) } ?? headerList }
        defer { curl.slistFreeAll(headerList) }
        var errorBuffer = [CChar](repeating: 0, count: 256)  // CURL_ERROR_SIZE
        let context = Unmanaged.passUnretained(self).toOpaque()
        let milliseconds = Int(max(1, request.timeout.components.seconds * 1000
                                       + request.timeout.components.attoseconds / 1_000_000_000_000_000))

        let code: Int32 = request.url.withCString { url in
            request.method.rawValue.withCString { method in
                request.body.withUnsafeBytes { body in
                    errorBuffer.withUnsafeMutableBufferPointer { errors in
                        curl.set(handle, .url, pointer: url)
                        curl.set(handle, .protocols, LibCurl.httpProtocols)
                        curl.set(handle, .redirectProtocols, LibCurl.httpProtocols)
                        curl.set(handle, .followLocation, 0)
                        curl.set(handle, .noSignal, 1)
                        curl.set(handle, .timeoutMilliseconds, milliseconds)
                        curl.set(handle, .connectTimeoutMilliseconds, min(milliseconds, 30_000))
                        curl.set(handle, .maxFileSize, request.maxResponseBytes)
                        curl.set(handle, .errorBuffer, pointer: errors.baseAddress)
                        curl.set(handle, .httpHeader, pointer: UnsafeRawPointer(headerList))
                        curl.set(handle, .writeFunction, pointer: unsafeBitCast(Self.onBody, to: UnsafeRawPointer.self))
                        curl.set(handle, .writeData, pointer: context)
                        curl.set(handle, .headerFunction, pointer: unsafeBitCast(Self.onHeader, to: UnsafeRawPointer.self))
                        curl.set(handle, .headerData, pointer: context)
                        curl.set(handle, .noProgress, 0)
                        curl.set(handle, .xferInfoFunction, pointer: unsafeBitCast(Self.onProgress, to: UnsafeRawPointer.self))
                        curl.set(handle, .xferInfoData, pointer: context)
                        if request.method == .head {
                            // NOBODY makes it a HEAD: the answer's Content-Length describes a body that never comes.
                            curl.set(handle, .noBody, 1)
                        } else if request.method != .get && (!body.isEmpty || request.method != .delete) {
                            // POSTFIELDS makes it a POST with this body; CUSTOMREQUEST renames the method.
                            curl.set(handle, .postFieldSize, body.count)
                            curl.set(handle, .postFields, pointer: body.baseAddress ?? UnsafeRawPointer(errors.baseAddress))
                        }
                        if request.method != .get && request.method != .post && request.method != .head {
                            curl.set(handle, .customRequest, pointer: method)
                        }
                        return curl.easyPerform(handle)
                    }
                }
            }
        }
        errorMessage = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return code
    }

    private static func exchange(_ context: UnsafeMutableRawPointer?) -> CurlExchange {
        Unmanaged<CurlExchange>.fromOpaque(context!).takeUnretainedValue()
    }

    /// Appends body bytes; refuses (so libcurl stops with a write error) past the cap.
    private static let onBody: LibCurl.DataCallback = { data, size, count, context in
        let exchange = CurlExchange.exchange(context)
        let length = size * count
        guard exchange.responseBody.count + length <= exchange.request.maxResponseBytes else {
            exchange.isTooLarge = true
            return 0
        }
        if let data { exchange.responseBody.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length)) }
        return length
    }

    /// One header line. A status line starts a new set (after `100 Continue`).
    private static let onHeader: LibCurl.DataCallback = { data, size, count, context in
        let exchange = CurlExchange.exchange(context)
        let length = size * count
        guard let data else { return length }
        // Read as bytes: Foundation's `trimmingCharacters` on every header line of every answer
        // was 4% of a full listing's CPU.
        let line = UnsafeBufferPointer(start: UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: length)
        if line.starts(with: "HTTP/".utf8) {
            exchange.responseHeaders = TransportHeaders()
        } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            let name = trimmingBlanks(UnsafeBufferPointer(rebasing: line[..<colon]))
            let value = trimmingBlanks(UnsafeBufferPointer(rebasing: line[(colon + 1)...]))
            exchange.responseHeaders.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        }
        return length
    }

    /// `bytes` without leading and trailing spaces, tabs, CRs and LFs.
    private static func trimmingBlanks(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let isBlank = { (byte: UInt8) in
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
        }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) }) else {
            return UnsafeBufferPointer(rebasing: bytes[0..<0])
        }
        return UnsafeBufferPointer(rebasing: bytes[first...last])
    }

    /// Called about once a second while waiting, and as data moves: a non-zero answer aborts.
    private static let onProgress: LibCurl.ProgressCallback = { context, _, _, _, _ in
        CurlExchange.exchange(context).isCancelled ? 1 : 0
    }
}
