import Foundation
import AISearchAPI

/// The `metadata_filter` of an item listing, in Vectorize filter syntax: `{"field": value}` is
/// equality; `{"field": {"$eq"|"$ne"|"$in"|"$nin"|"$lt"|"$lte"|"$gt"|"$gte": …}}` compares.
/// Every field must match. A field the item lacks matches only `$ne` and `$nin`.
struct MetadataFilter: Sendable {
    private var conditions: [(field: String, op: String, operand: JSONValue)] = []

    static let operators: Set<String> = ["$eq", "$ne", "$in", "$nin", "$lt", "$lte", "$gt", "$gte"]

    /// Parses the query parameter; an `EmulatorError.invalidRequest` names what is wrong.
    init(json: String) throws(EmulatorError) {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)),
              let object = value.objectValue else {
            throw .invalidRequest("metadata_filter must be a JSON object")
        }
        for (field, condition) in object.sorted(by: { $0.key < $1.key }) {
            if let operators = condition.objectValue {
                for (op, operand) in operators {
                    guard Self.operators.contains(op) else {
                        throw .invalidRequest("metadata_filter operator \(op) is not one of \(Self.operators.sorted().joined(separator: ", "))")
                    }
                    if (op == "$in" || op == "$nin"), operand.arrayValue == nil {
                        throw .invalidRequest("metadata_filter \(op) needs an array")
                    }
                    conditions.append((field, op, operand))
                }
            } else {
                conditions.append((field, "$eq", condition))
            }
        }
    }

    func matches(_ metadata: [String: JSONValue]) -> Bool {
        conditions.allSatisfy { condition in
            guard let value = metadata[condition.field] else {
                return condition.op == "$ne" || condition.op == "$nin"
            }
            switch condition.op {
            case "$eq": return Self.equal(value, condition.operand)
            case "$ne": return !Self.equal(value, condition.operand)
            case "$in": return condition.operand.arrayValue?.contains { Self.equal(value, $0) } ?? false
            case "$nin": return !(condition.operand.arrayValue?.contains { Self.equal(value, $0) } ?? false)
            default:
                guard let order = Self.compare(value, condition.operand) else { return false }
                switch condition.op {
                case "$lt": return order < 0
                case "$lte": return order <= 0
                case "$gt": return order > 0
                default: return order >= 0
                }
            }
        }
    }

    /// Strings compare by bytes (`KeyBytes`): `filename` and `folder` hold keys, and two keys that
    /// differ only in Unicode normalisation are two items, which a filter must tell apart.
    private static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = a.doubleValue, let y = b.doubleValue { return x == y }
        if let x = a.stringValue, let y = b.stringValue { return KeyBytes(x) == KeyBytes(y) }
        return a == b
    }

    /// -1, 0, 1 for numbers or strings of the same kind; nil otherwise.
    private static func compare(_ a: JSONValue, _ b: JSONValue) -> Int? {
        if let x = a.doubleValue, let y = b.doubleValue { return x < y ? -1 : (x > y ? 1 : 0) }
        if let x = a.stringValue.map(KeyBytes.init), let y = b.stringValue.map(KeyBytes.init) { return x < y ? -1 : (x > y ? 1 : 0) }
        return nil
    }
}
