import AISearchAPI
import Foundation
import HTTPServer

/// Builds the v4-envelope answers and reads request parameters, turning bad input into
/// `EmulatorError.invalidRequest` that names the parameter and what is allowed.
enum JSONAnswers {
    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every type we encode is a plain value tree; failure would be a programming error.
        return (try? Array(encoder.encode(value))) ?? Array("{}".utf8)
    }

    static func success<T: Codable & Sendable>(_ result: T, info: ResultInfo? = nil, status: Int = 200) -> HTTPResponse {
        .json(status: status, encode(Envelope(success: true, result: result, resultInfo: info)))
    }

    static func failure(_ error: EmulatorError) -> HTTPResponse {
        var headers = HTTPHeaders()
        for (name, value) in error.headers.sorted(by: { $0.key < $1.key }) { headers[name] = value }
        let envelope = Envelope<JSONValue>(success: false, errors: [APIMessage(code: error.code, message: error.message)],
                                           result: nil)
        return .json(status: error.status, encode(envelope), headers: headers)
    }

    /// One page of `all` and its `result_info`, from validated `page` (≥ 1) and `per_page` (1…50).
    static func page<T: Codable & Sendable>(_ all: [T], of request: HTTPRequest) throws(EmulatorError) -> HTTPResponse {
        let page = try integer("page", in: request, default: 1, allowed: 1...Int.max)
        let perPage = try integer("per_page", in: request, default: 20, allowed: 1...50)
        let start = min(all.count, (page - 1).multipliedReportingOverflow(by: perPage).overflow ? all.count : (page - 1) * perPage)
        let slice = Array(all[start..<min(all.count, start + perPage)])
        return success(slice, info: ResultInfo(count: slice.count, page: page, perPage: perPage, totalCount: all.count))
    }

    static func integer(_ name: String, in request: HTTPRequest, default value: Int,
                        allowed: ClosedRange<Int>) throws(EmulatorError) -> Int {
        guard let text = request.queryValue(name) else { return value }
        guard let number = Int(text), allowed.contains(number) else {
            let range = allowed.upperBound == Int.max ? "at least \(allowed.lowerBound)" : "\(allowed.lowerBound) to \(allowed.upperBound)"
            throw .invalidRequest("\(name) must be an integer \(range); got \"\(text)\"")
        }
        return number
    }

    /// The JSON object body, or `{}` when the body is empty.
    static func object(of request: HTTPRequest) throws(EmulatorError) -> [String: JSONValue] {
        if request.body.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) { return [:] }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(request.body)), let object = value.objectValue else {
            throw .invalidRequest("the body must be a JSON object")
        }
        return object
    }

    static func decode<T: Decodable>(_ type: T.Type, from request: HTTPRequest) throws(EmulatorError) -> T {
        let body = request.body.isEmpty ? Array("{}".utf8) : request.body
        do { return try JSONDecoder().decode(T.self, from: Data(body)) } catch {
            throw .invalidRequest("the body does not match the expected fields: \(describe(error))")
        }
    }

    /// `wait_for_completion` as JSON (`true`) or form text (`true`, `1`).
    static func flag(_ value: JSONValue?) throws(EmulatorError) -> Bool {
        switch value {
        case nil, .null?: return false
        case .bool(let flag)?: return flag
        case .string(let text)?:
            switch text.lowercased() {
            case "true", "1": return true
            case "false", "0", "": return false
            default: throw .invalidRequest("wait_for_completion must be true or false; got \"\(text)\"")
            }
        default: throw .invalidRequest("wait_for_completion must be true or false")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?, .keyNotFound(_, let context)?,
             .dataCorrupted(let context)?:
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        default: return String(describing: error)
        }
    }
}
