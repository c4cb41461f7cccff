/// Reads a page of `GET …/items` (`Envelope<[Item]>`) straight from the answer's bytes.
///
/// A full comparison reads 2,000 such pages at 100,000 items, and `JSONDecoder` spent 39 % of
/// that round's CPU on them (perf, 20,000 items), half of it on the items' `metadata`. This
/// reader gives the same values as `Item.init(from:)` for every answer it accepts; for anything
/// unexpected (a type it does not read, a required field missing, an unknown enum word) it answers
/// nil and the caller decodes with `JSONDecoder`, which then says what is wrong.
enum ItemPageReader {
    /// A page read through a fold: the envelope holds the items the fold left; `listed` counts
    /// every item of the page and `ids` stands for all their ids, in order.
    struct FoldedEnvelope {
        var envelope: Envelope<[Item]>
        var listed: Int
        var ids: ItemIDsDigest
    }

    /// The page, each item shown to `fold` first (`ListedItemFold`; `KeepEveryItem` shows none),
    /// and with `comparedFields` keeping only those fields of each (`ItemListQuery.ComparedFields`);
    /// nil for anything this reader does not read. An item the fold consumed
    /// stays consumed if the page then turns out unreadable here (the caller decodes it with
    /// `JSONDecoder` and shows its items again): a fold takes the same item twice alike.
    static func envelope(_ body: [UInt8], comparedFields: ItemListQuery.ComparedFields?,
                         folding fold: inout some ListedItemFold) -> FoldedEnvelope? {
        body.withUnsafeBufferPointer { buffer in
            var reader = JSONByteReader(buffer)
            return try? read(&reader, comparedFields: comparedFields, folding: &fold)
        }
    }

    private struct Unexpected: Error {}

    private static func read(_ reader: inout JSONByteReader, comparedFields: ItemListQuery.ComparedFields?,
                             folding fold: inout some ListedItemFold) throws -> FoldedEnvelope {
        var listed = 0
        var ids = ItemIDsDigest()
        var success: Bool?
        var errors: [APIMessage] = [], messages: [APIMessage] = []
        var result: [Item]?
        var resultInfo: ResultInfo?
        try reader.beginObject()
        var first = true
        while let name = try reader.nextKey(first: first) {
            first = false
            switch name {
            case "success": success = try reader.bool()
            case "errors": errors = try readMessages(&reader)
            case "messages": messages = try readMessages(&reader)
            case "result":
                if reader.null() { result = nil; continue }
                var items: [Item] = []
                try reader.beginArray()
                var firstItem = true
                while try reader.nextElement(first: firstItem) {
                    firstItem = false
                    listed += 1
                    if fold.showsItems {
                        reader.skipWhitespace()
                        let start = reader.position
                        let view = try? ListedItemView.read(&reader)
                        if let view {
                            ids.add(view.id)
                            if fold.consumes(view) { continue }
                        }
                        reader.move(to: start)
                        let item = try readItem(&reader, comparedFields: comparedFields)
                        // An item the view could not show is shown decoded.
                        if view == nil {
                            ids.add(item.id)
                            if fold.consumes(item) { continue }
                        }
                        items.append(item)
                        continue
                    }
                    let item = try readItem(&reader, comparedFields: comparedFields)
                    ids.add(item.id)
                    items.append(item)
                }
                result = items
            case "result_info": resultInfo = reader.null() ? nil : try readResultInfo(&reader)
            default: try reader.skipValue()
            }
        }
        try reader.expectEnd()
        guard let success else { throw Unexpected() }
        return FoldedEnvelope(envelope: Envelope(success: success, errors: errors, messages: messages, result: result, resultInfo: resultInfo),
                              listed: listed, ids: ids)
    }

    private static func readMessages(_ reader: inout JSONByteReader) throws -> [APIMessage] {
        if reader.null() { return [] }
        guard case .array(let values) = try reader.value() else { throw Unexpected() }
        return try values.map { value in
            guard case .object(let members) = value else { throw Unexpected() }
            let code = try members["code"].map { value -> Int in
                if value == .null { return 0 }
                guard let code = value.intValue, let exact = Int(exactly: code) else { throw Unexpected() }
                return exact
            } ?? 0
            let message = try members["message"].map { value -> String in
                if value == .null { return "" }
                guard let text = value.stringValue else { throw Unexpected() }
                return text
            } ?? ""
            return APIMessage(code: code, message: sanitizedServerText(message))
        }
    }

    private static func readResultInfo(_ reader: inout JSONByteReader) throws -> ResultInfo {
        var info = ResultInfo()
        try reader.beginObject()
        var first = true
        while let name = try reader.nextKey(first: first) {
            first = false
            switch name {
            case "count": info.count = try optionalInt(&reader)
            case "page": info.page = try optionalInt(&reader)
            case "per_page": info.perPage = try optionalInt(&reader)
            case "total_count": info.totalCount = try optionalInt(&reader)
            case "cursor": info.cursor = try reader.optionalString()
            default: try reader.skipValue()
            }
        }
        return info
    }

    /// An integer or null, read as `JSONDecoder` reads an `Int?` (`2.0` is 2, `2.5` is refused).
    private static func optionalInt(_ reader: inout JSONByteReader) throws -> Int? {
        if reader.null() { return nil }
        guard case .int(let value) = try reader.number(), let exact = Int(exactly: value) else { throw Unexpected() }
        return exact
    }

    private static func readItem(_ reader: inout JSONByteReader, comparedFields: ItemListQuery.ComparedFields?) throws -> Item {
        var id: String?, key: String?, status: Item.Status?
        var item = Item(id: "", key: "", checksum: "", createdAt: "", lastSeenAt: "", namespace: "", sourceID: nil, status: .queued)
        try reader.beginObject()
        var first = true
        while let name = try reader.nextRawKey(first: first) {
            first = false
            if name.is("id") { id = try reader.string() }
            else if name.is("key") { key = try reader.string() }
            else if name.is("checksum") { item.checksum = try reader.optionalString() ?? "" }
            else if name.is("status") {
                guard let word = try reader.optionalString(), let value = Item.Status(rawValue: word) else { throw Unexpected() }
                status = value
            }
            else if name.is("chunks_count") { item.chunksCount = try optionalInt(&reader) }
            else if name.is("created_at") { item.createdAt = try reader.optionalString() ?? "" }
            else if name.is("last_seen_at") {
                if comparedFields != nil { try reader.skipValue() } else { item.lastSeenAt = try reader.optionalString() ?? "" }
            }
            else if name.is("file_size") { item.fileSize = try reader.value().intValue }  // any value, as Item.init(from:) reads it
            else if name.is("metadata") {
                if let comparedFields {
                    item.metadata = try readMetadata(&reader, keeping: comparedFields.metadata)
                    continue
                }
                switch try reader.value() {
                case .null: item.metadata = nil
                case .object(let members): item.metadata = members
                default: throw Unexpected()
                }
            }
            else if name.is("namespace") { item.namespace = try reader.optionalString() ?? "" }
            else if name.is("next_action") {
                guard let word = try reader.optionalString() else { item.nextAction = nil; continue }
                guard let action = Item.NextAction(rawValue: word) else { throw Unexpected() }
                item.nextAction = action
            }
            else if name.is("source_id") { item.sourceID = try reader.optionalString() }
            else if name.is("error") { item.error = try reader.optionalString().map(sanitizedServerText) }
            else { try reader.skipValue() }
        }
        guard let id, let key, let status else { throw Unexpected() }
        item.id = id
        item.key = key
        item.status = status
        return item
    }

    /// An item's `metadata` (an object or null) with only the members named in `kept`; the
    /// others are skipped unread. An object without any of them is an empty one.
    private static func readMetadata(_ reader: inout JSONByteReader, keeping kept: [String]) throws -> [String: JSONValue]? {
        if reader.null() { return nil }
        var members: [String: JSONValue] = [:]
        try reader.beginObject()
        var first = true
        while let name = try reader.nextRawKey(first: first) {
            first = false
            if let keptName = kept.first(where: { name.is(text: $0) }) {
                // A repeated member: the later one wins, as `value()` reads an object.
                members[keptName] = try reader.value()
            } else {
                try reader.skipValue()
            }
        }
        return members
    }
}
