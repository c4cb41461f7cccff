/// Builds the list of syncs (see `EffectiveConfiguration` for the rules).
struct SyncResolver {
    let layers: ConfigurationLayers

    func resolve() throws -> [SyncConfiguration] {
        try checkSharedSettings()
        let selected = try layers.value(SettingKeys.instance, from: [.flag, .environment])
        let fileSyncs = layers.file?.syncs ?? []
        if let root = layers.flags.root {
            let rootSetting = try commandLineRoot(root)
            let matching = try fileSyncs.first { sync in
                guard let fileRoot = try layers.value(SettingKeys.root, from: [.sync], sync: sync) else { return false }
                guard Self.samePath(fileRoot.value, rootSetting.value) else { return false }
                guard let selected else { return true }
                let instance = try layers.value(SettingKeys.instance, from: [.sync], sync: sync)
                return instance == nil || instance?.value == selected.value
            }
            guard let instance = try selected ?? matching.flatMap({ try layers.value(SettingKeys.instance, from: [.sync], sync: $0) })
            else {
                throw ConfigurationError("no instance for \(ConfigFile.quoted(root)): pass --instance NAME, set AISEARCH_INSTANCE, or add a sync for this folder to the config file")
            }
            return [try build(label: "<root>", root: rootSetting, instance: instance, sync: matching, prefixFromFlag: true)]
        }
        var syncs: [SyncConfiguration] = []
        var instancesSeen: [String] = []
        for sync in fileSyncs {
            let label = "syncs[\(sync.index)]"
            guard let root = try layers.value(SettingKeys.root, from: [.sync], sync: sync) else {
                throw missing("root", in: sync, what: "the folder to sync")
            }
            let own = try layers.value(SettingKeys.instance, from: [.sync], sync: sync)
            own.map { instancesSeen.append($0.value) }
            let instance: Setting<String>
            switch (own, selected) {
            case let (own?, selected?) where own.value != selected.value: continue
            case let (own?, _): instance = own
            case let (nil, selected?): instance = selected
            case (nil, nil): throw missing("instance", in: sync, what: "the AI Search instance to sync into")
            }
            syncs.append(try build(label: label, root: root, instance: instance, sync: sync, prefixFromFlag: false))
        }
        if let selected, syncs.isEmpty, !fileSyncs.isEmpty {
            throw ConfigurationError.notAllowed(
                selected.source.location, value: ConfigFile.quoted(selected.value),
                allowed: "an instance named in \(layers.file?.path ?? "the config file")'s syncs: \(instancesSeen.joined(separator: ", "))")
        }
        try checkOverlaps(syncs)
        return syncs
    }

    /// Checks the per-sync settings given outside any sync (flags, environment, top-level keys),
    /// so a bad value is reported even when there is no sync to apply it to.
    private func checkSharedSettings() throws {
        let placeholder = Setting("", source: .defaultValue)
        _ = try build(label: "", root: placeholder, instance: placeholder, sync: nil, prefixFromFlag: false)
    }

    private func commandLineRoot(_ root: String) throws -> Setting<String> {
        guard !root.isEmpty else {
            throw ConfigurationError.notAllowed("<root>", value: "\"\"", allowed: SettingKeys.root.allowed)
        }
        return Setting(root, source: .flag("<root>"))
    }

    private func missing(_ key: String, in sync: ConfigFile.Sync, what: String) -> ConfigurationError {
        ConfigurationError("\(layers.file?.path ?? "config"): syncs[\(sync.index)].\(key) is missing; give \(what)")
    }

    private func build(label: String, root: Setting<String>, instance: Setting<String>, sync: ConfigFile.Sync?,
                       prefixFromFlag: Bool) throws -> SyncConfiguration {
        let settle = try layers.value(SettingKeys.settle, sync: sync, default: SyncConfiguration.defaultSettle)
        let maxSettle = try layers.value(SettingKeys.maxSettle, sync: sync, default: SyncConfiguration.defaultMaxSettle)
        if maxSettle.value < settle.value {
            let shown = maxSettle.source == .defaultValue
                ? "the default \(Self.milliseconds(maxSettle.value))" : Self.milliseconds(maxSettle.value)
            throw ConfigurationError(
                "\(maxSettle.source == .defaultValue ? settle.source.location : maxSettle.source.location): max_settle_ms (\(shown)) is less than settle_ms (\(Self.milliseconds(settle.value))); max_settle_ms must be at least settle_ms")
        }
        return SyncConfiguration(
            label: label, root: root, instance: instance,
            prefix: try layers.value(SettingKeys.prefix, from: prefixFromFlag ? [.flag, .sync] : [.sync], sync: sync, default: ""),
            namespace: try layers.value(SettingKeys.namespace, sync: sync),
            legacyPaths: try layers.value(SettingKeys.legacyPaths, sync: sync, default: false),
            maxDelete: try layers.value(SettingKeys.maxDelete, sync: sync, default: SyncConfiguration.defaultMaxDelete),
            owner: try layers.value(SettingKeys.owner, sync: sync),
            deleteForeign: try layers.value(SettingKeys.deleteForeign, sync: sync, default: false),
            gitignore: try layers.value(SettingKeys.gitignore, sync: sync, default: false),
            concurrency: try layers.value(SettingKeys.concurrency, sync: sync, default: SyncConfiguration.defaultConcurrency),
            settle: settle, maxSettle: maxSettle,
            safetyRescan: try layers.value(SettingKeys.safetyRescan, sync: sync, default: SyncConfiguration.defaultSafetyRescan))
    }

    /// Two syncs into the same instance and namespace with one prefix a prefix of the other
    /// would each see the other's items as deleted files.
    private func checkOverlaps(_ syncs: [SyncConfiguration]) throws {
        for (laterIndex, later) in syncs.enumerated() {
            for earlier in syncs[..<laterIndex] where earlier.instance.value == later.instance.value
                && earlier.namespaceName == later.namespaceName {
                let (a, b) = (earlier.prefix.value, later.prefix.value)
                guard a.hasPrefix(b) || b.hasPrefix(a) else { continue }
                throw ConfigurationError(
                    "\(layers.file?.path ?? "config"): \(later.label) and \(earlier.label) both sync into instance \(ConfigFile.quoted(later.instance.value)) with overlapping prefixes (\(ConfigFile.quoted(b)) and \(ConfigFile.quoted(a))); give each its own prefix, like \"handbook/\"")
            }
        }
    }

    static func samePath(_ a: String, _ b: String) -> Bool {
        func normalised(_ path: String) -> String {
            let parts = path.split(separator: "/").filter { $0 != "." }
            return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
        }
        return normalised(a) == normalised(b)
    }

    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}
