import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Turns a libcurl result code (`CURLcode`, curl.h) into a `TransportError` that says what happened.
enum CurlFailure {
    /// - Parameters:
    ///   - osErrno: `CURLINFO_OS_ERRNO`, the system error of a failed connect or read.
    ///   - message: libcurl's error buffer, e.g. `SSL certificate problem: self-signed certificate`.
    static func transportError(code: Int32, osErrno: Int32, message: String, timeout: Duration) -> TransportError {
        let detail = sanitizedServerText(message)
        switch code {
        case 28:
            return TransportError(code: .timedOut, detail: "no complete answer within \(timeout)")
        case 5, 6:
            return TransportError(code: .hostNotFound, detail: detail)
        case 7 where osErrno == ECONNREFUSED:
            return TransportError(code: .connectionRefused, detail: detail)
        case 7:
            return TransportError(code: .cannotConnect, detail: detail)
        case 55 where osErrno == ECONNRESET, 56 where osErrno == ECONNRESET:
            return TransportError(code: .connectionLost, detail: "reset by the peer: \(detail)")
        case 16, 18, 52, 55, 56, 92:
            return TransportError(code: .connectionLost, detail: detail)
        case 1 where message.contains("HTTP/0.9"), 8:
            // libcurl reads bytes without a status line as HTTP/0.9 and refuses them.
            return TransportError(code: .notHTTP, detail: "the server's answer has no HTTP status line (\(detail))")
        case 1, 3:
            return TransportError(code: .badURL, detail: detail)
        case 60, 83, 90, 91:
            return TransportError(code: .certificateRejected, detail: detail)
        case 35, 58, 59, 64, 66, 77, 80, 82:
            return TransportError(code: .secureConnectionFailed, detail: detail)
        default:
            return TransportError(code: .other, detail: "libcurl error \(code): \(detail)")
        }
    }
}

/// Where a refused redirect pointed, said without its path or query (which may hold secrets).
enum RedirectTarget {
    static func describe(status: Int, location: String, from origin: URL) -> String {
        guard let target = URL(string: location, relativeTo: origin)?.absoluteURL,
              let scheme = target.scheme?.lowercased(), let host = target.host else {
            return "HTTP \(status) to an unusable Location"
        }
        func port(_ url: URL) -> Int { url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80) }
        let place = "\(scheme)://\(host):\(port(target))"
        let kind: String
        if origin.scheme?.lowercased() == "https" && scheme == "http" {
            kind = "from https to http"
        } else if origin.scheme?.lowercased() == scheme, origin.host?.lowercased() == host.lowercased(),
                  port(origin) == port(target) {
            kind = "same origin"
        } else {
            kind = "another origin"
        }
        return sanitizedServerText("HTTP \(status) to \(place), \(kind)")
    }
}
