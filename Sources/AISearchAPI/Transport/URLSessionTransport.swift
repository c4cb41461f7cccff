import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The production transport: one `URLSession` with no cookies, no cache and no credential store,
/// so every request carries exactly the headers the client set.
///
/// Each request gets a hard deadline (`TransportRequest.timeout`, from first byte out to last byte in)
/// in addition to URLSession's idle timeout. Bodies are held in memory (uploads are at most 4 MB).
/// Failures come out as `TransportError`; cancellation of the calling task cancels the exchange
/// and throws `CancellationError`.
public final class URLSessionTransport: HTTPTransport, @unchecked Sendable {
    // @unchecked: URLSession is documented thread-safe; `session` is immutable after init.
    private let session: URLSession

    public init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        configuration.urlCredentialStorage = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalAndRemoteCacheData
        configuration.httpMaximumConnectionsPerHost = 8
        session = URLSession(configuration: configuration)
    }

    deinit { session.invalidateAndCancel() }

    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        guard let url = URL(string: request.url), let scheme = url.scheme?.lowercased(),
              scheme == "https" || scheme == "http" else {
            throw TransportError(code: .badURL, detail: "not an http(s) URL")
        }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method.rawValue
        // swift-corelibs-foundation truncates this to whole seconds (0 would fire at once), so
        // it gets the deadline rounded up; the exact deadline is the race below.
        let timeout = Self.seconds(request.timeout)
        urlRequest.timeoutInterval = max(1, timeout.rounded(.up))
        urlRequest.httpShouldHandleCookies = false
        urlRequest.cachePolicy = .reloadIgnoringLocalAndRemoteCacheData
        for field in request.headers { urlRequest.addValue(field.value, forHTTPHeaderField: field.name) }
        if !request.body.isEmpty || request.method != .get { urlRequest.httpBody = Data(request.body) }

        let session = self.session
        let limit = request.timeout
        let request = urlRequest
        return try await withThrowingTaskGroup(of: TransportResponse?.self) { group in
            group.addTask {
                do {
                    let (data, response) = try await Self.exchange(request, on: session)
                    guard let http = response as? HTTPURLResponse else {
                        throw TransportError(code: .other, detail: "answer is not HTTP")
                    }
                    var headers = TransportHeaders()
                    for (name, value) in http.allHeaderFields {
                        headers.add(name: String(describing: name), value: String(describing: value))
                    }
                    return TransportResponse(status: http.statusCode, headers: headers, body: Array(data))
                } catch let error as URLError {
                    throw Self.transportError(from: error)
                }
            }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let response = first else {
                try Task.checkCancellation()
                throw TransportError(code: .timedOut, detail: "no complete answer within \(limit)")
            }
            return response
        }
    }

    /// One exchange, cancellable. Not `URLSession.data(for:)`: its cancellation handler calls
    /// `URLSessionTask.cancel()` synchronously while holding the Swift task's status lock, and
    /// `cancel()` waits on the session's queue, which may at that moment be resuming this very
    /// task and waiting for the same lock. That deadlock was seen here under load (a timeout
    /// racing a completion). This handler hands the cancel to another queue instead.
    static func exchange(_ request: URLRequest, on session: URLSession) async throws -> (Data, URLResponse) {
        let handle = DataTaskHandle()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Data, URLResponse), any Error>) in
                let task = session.dataTask(with: request) { data, response, error in
                    if let error {
                        continuation.resume(throwing: error)
                    } else if let response {
                        continuation.resume(returning: (data ?? Data(), response))
                    } else {
                        continuation.resume(throwing: URLError(.badServerResponse))
                    }
                }
                handle.start(task)
            }
        } onCancel: {
            DispatchQueue.global().async { handle.cancel() }
        }
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }

    static func transportError(from error: URLError) -> any Error {
        let code: TransportError.Code
        switch error.code {
        case .cancelled: return CancellationError()
        case .timedOut: code = .timedOut
        case .cannotFindHost, .cannotConnectToHost, .dnsLookupFailed, .notConnectedToInternet,
             .internationalRoamingOff, .dataNotAllowed, .callIsActive:
            code = .cannotConnect
        case .networkConnectionLost, .badServerResponse, .zeroByteResource, .cannotParseResponse:
            code = .connectionLost
        case .secureConnectionFailed, .serverCertificateHasBadDate, .serverCertificateUntrusted,
             .serverCertificateHasUnknownRoot, .serverCertificateNotYetValid, .clientCertificateRejected,
             .clientCertificateRequired:
            code = .secureConnectionFailed
        case .badURL, .unsupportedURL: code = .badURL
        default: code = .other
        }
        return TransportError(code: code, detail: "URLError \(error.code.rawValue)")
    }
}

/// The data task of one exchange, so a cancellation that arrives before or after it starts
/// reaches it exactly once.
private final class DataTaskHandle: @unchecked Sendable {
    // @unchecked: every access to `task` and `isCancelled` holds `lock`.
    private let lock = NSLock()
    private var task: URLSessionDataTask?
    private var isCancelled = false

    func start(_ task: URLSessionDataTask) {
        let cancelled = lock.withLock { () -> Bool in
            self.task = task
            return isCancelled
        }
        task.resume()
        if cancelled { task.cancel() }
    }

    func cancel() {
        let task = lock.withLock { () -> URLSessionDataTask? in
            isCancelled = true
            return self.task
        }
        task?.cancel()
    }
}
