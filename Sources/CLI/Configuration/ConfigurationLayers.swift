import AISearchAPI

/// The layers a setting can come from, in precedence order.
struct Layer: OptionSet, Sendable {
    let rawValue: Int
    static let flag = Layer(rawValue: 1)
    /// The environment variables of the key.
    static let environment = Layer(rawValue: 2)
    /// The key inside the sync being resolved.
    static let sync = Layer(rawValue: 4)
    /// The top-level key of the config file.
    static let file = Layer(rawValue: 8)
    static let all: Layer = [.flag, .environment, .sync, .file]
}

/// A value before parsing: its text (nil for a JSON object or array), how to show it in a
/// message, and its source.
struct RawSetting: Sendable {
    var text: String?
    var display: String
    var source: SettingSource
}

/// Looks settings up in the layers and parses them with the key's parser.
struct ConfigurationLayers: Sendable {
    let flags: CommandLineSettings
    let environment: [String: String]
    let file: ConfigFile?

    /// The highest-precedence value of `key` among `layers`, unparsed.
    func raw<Value>(_ key: SettingKey<Value>, from layers: Layer = .all, sync: ConfigFile.Sync? = nil) -> RawSetting? {
        if layers.contains(.flag), let flag = key.flag, let text = flags.options[flag] {
            return RawSetting(text: text, display: ConfigFile.quoted(text), source: .flag(flag))
        }
        if layers.contains(.environment) {
            for name in key.environment {
                if let text = environment[name], !text.isEmpty {
                    return RawSetting(text: text, display: ConfigFile.quoted(text), source: .environment(name))
                }
            }
        }
        if layers.contains(.sync), let entry = sync?.entries[key.name] {
            return fileValue(entry, isPath: key.isPath)
        }
        if layers.contains(.file), let entry = file?.entries[key.name] {
            return fileValue(entry, isPath: key.isPath)
        }
        return nil
    }

    /// The parsed value of `key` from `layers`, or `nil` when no layer sets it.
    func value<Value>(_ key: SettingKey<Value>, from layers: Layer = .all,
                      sync: ConfigFile.Sync? = nil) throws -> Setting<Value>? {
        guard let raw = raw(key, from: layers, sync: sync) else { return nil }
        guard let text = raw.text, let value = key.parse(text) else {
            throw ConfigurationError.notAllowed(raw.source.location, value: raw.display, allowed: key.allowed)
        }
        return Setting(value, source: raw.source)
    }

    /// Like `value(_:from:sync:)`, falling back to `defaultValue`.
    func value<Value>(_ key: SettingKey<Value>, from layers: Layer = .all, sync: ConfigFile.Sync? = nil,
                      default defaultValue: Value) throws -> Setting<Value> {
        try value(key, from: layers, sync: sync) ?? Setting(defaultValue, source: .defaultValue)
    }

    private func fileValue(_ entry: ConfigFile.Entry, isPath: Bool) -> RawSetting {
        let source = SettingSource.file(path: file?.path ?? "config", key: entry.keyPath)
        let display = ConfigFile.display(entry.value)
        switch entry.value {
        case .string(let text):
            return RawSetting(text: isPath ? relativeToFile(text) : text, display: display, source: source)
        case .int, .double, .bool:
            return RawSetting(text: entry.value.description, display: display, source: source)
        case .null, .array, .object:
            return RawSetting(text: nil, display: display, source: source)
        }
    }

    /// A relative path from the config file, made relative to the file's folder instead of the
    /// current directory (so a file can say `"root": "docs"` next to itself).
    func relativeToFile(_ path: String) -> String {
        guard !path.isEmpty, !path.hasPrefix("/"), let directory = file?.directory, !directory.isEmpty else { return path }
        return directory == "/" ? "/" + path : directory + "/" + path
    }
}
