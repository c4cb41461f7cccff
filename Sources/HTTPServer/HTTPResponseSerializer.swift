#if canImport(Glibc)
import Glibc
#endif

/// Turns an `HTTPResponse` into the bytes of an HTTP/1.1 answer, adding the framing and
/// connection headers the server owns.
enum HTTPResponseSerializer {
    /// The interim answer to `Expect: 100-continue`.
    static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// The status line, the handler's headers (minus `Content-Length`, `Transfer-Encoding`,
    /// `Connection`, which the server decides), `Content-Length`, `Date` (unless given) and
    /// `Connection`, then the body unless the request was HEAD or the status forbids one.
    static func serialize(_ response: HTTPResponse, requestMethod: String, keepAlive: Bool, serverName: String? = nil) -> [UInt8] {
        let status = response.status
        let forbidsBody = (100..<200).contains(status) || status == 204 || status == 304
        var head = "HTTP/1.1 \(status) \(reasonPhrase(status))\r\n"
        var handlerLength: String?
        for (name, value) in response.headers {
            let lowered = name.lowercased()
            if lowered == "content-length" { handlerLength = value; continue }
            if lowered == "transfer-encoding" || lowered == "connection" { continue }
            head += "\(sanitized(name)): \(sanitized(value))\r\n"
        }
        if !forbidsBody {
            // A HEAD handler may announce the length of the GET body it does not send.
            let length = requestMethod == "HEAD" && response.body.isEmpty ? handlerLength ?? "0" : String(response.body.count)
            head += "Content-Length: \(length)\r\n"
        }
        if response.headers["Date"] == nil { head += "Date: \(httpDate())\r\n" }
        if let serverName, response.headers["Server"] == nil { head += "Server: \(sanitized(serverName))\r\n" }
        head += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n"
        head += "\r\n"
        var bytes = Array(head.utf8)
        if !forbidsBody, requestMethod != "HEAD" { bytes += response.body }
        return bytes
    }

    /// A short plain-text answer for a request the server refuses itself; always closes.
    static func errorResponse(status: Int, message: String) -> HTTPResponse {
        HTTPResponse.text(status: status, message + "\n", headers: [:])
    }

    /// A header name or value without CR or LF, so a handler cannot split the answer.
    private static func sanitized(_ text: String) -> String {
        text.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\r\n" })
            ? String(text.filter { $0 != "\r" && $0 != "\n" && $0 != "\r\n" }) : text
    }

    /// The IMF-fixdate of RFC 9110 section 5.6.7, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDate(secondsSinceEpoch: Int = Int(time(nil))) -> String {
        var seconds = time_t(secondsSinceEpoch)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func twoDigits(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(twoDigits(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(twoDigits(parts.tm_hour)):\(twoDigits(parts.tm_min)):\(twoDigits(parts.tm_sec)) GMT"
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 101: "Switching Protocols"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 303: "See Other"
        case 304: "Not Modified"
        case 307: "Temporary Redirect"
        case 308: "Permanent Redirect"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 411: "Length Required"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 417: "Expectation Failed"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: ""
        }
    }
}
