/// Picks the credentials from the highest layer that has any (see `EffectiveConfiguration`).
struct CredentialResolver {
    let layers: ConfigurationLayers

    private struct LayerNames {
        var layer: Layer
        var token: String?
        var tokenFile: String?
        var email: String?
        var apiKey: String?
    }

    private static let keys = (
        token: SettingKey<String>(name: "api_token", flag: "--api-token", environment: ["CLOUDFLARE_API_TOKEN"], allowed: "", parse: { $0 }),
        tokenFile: SettingKey<String>(name: "api_token_file", flag: "--token-file", environment: ["AISEARCH_TOKEN_FILE"],
                                      allowed: "", parse: { $0 }, isPath: true),
        email: SettingKey<String>(name: "email", flag: "--email", environment: ["CLOUDFLARE_EMAIL"], allowed: "", parse: { $0 }),
        apiKey: SettingKey<String>(name: "api_key", flag: "--api-key", environment: ["CLOUDFLARE_API_KEY"], allowed: "", parse: { $0 }))

    func resolve(readFile: (String) throws -> String) throws -> Setting<Credentials>? {
        for layer in [Layer.flag, .environment, .file] {
            let token = try text(Self.keys.token, layer)
            let tokenFile = try text(Self.keys.tokenFile, layer)
            let email = try text(Self.keys.email, layer)
            let apiKey = try text(Self.keys.apiKey, layer)
            if let token, let tokenFile {
                throw ConfigurationError("\(token.source.location) and \(tokenFile.source.location) are both set; keep only one way of giving the API token")
            }
            if let token {
                return Setting(.apiToken(try checkedToken(token.value, location: token.source.location, file: nil)),
                               source: token.source)
            }
            if let tokenFile {
                return Setting(.apiToken(try readToken(tokenFile, readFile: readFile)), source: tokenFile.source)
            }
            switch (email, apiKey) {
            case let (email?, apiKey?):
                let key = try checkedToken(apiKey.value, location: apiKey.source.location, file: nil)
                return Setting(.globalAPIKey(email: email.value, key: key), source: apiKey.source)
            case let (email?, nil):
                throw ConfigurationError("\(email.source.location) is set without its API key (\(missingName(Self.keys.apiKey, layer))); set both, or use an API token instead")
            case let (nil, apiKey?):
                throw ConfigurationError("\(apiKey.source.location) is set without its email (\(missingName(Self.keys.email, layer))); set both, or use an API token instead")
            case (nil, nil):
                continue
            }
        }
        return nil
    }

    private func text(_ key: SettingKey<String>, _ layer: Layer) throws -> Setting<String>? {
        guard let raw = layers.raw(key, from: layer) else { return nil }
        guard let text = raw.text else {
            throw ConfigurationError.notAllowed(raw.source.location, value: raw.display, allowed: "a string")
        }
        return Setting(text, source: raw.source)
    }

    private func missingName(_ key: SettingKey<String>, _ layer: Layer) -> String {
        layer == .environment ? key.environment[0] : key.name
    }

    private func readToken(_ path: Setting<String>, readFile: (String) throws -> String) throws -> String {
        let location = path.source.location
        let contents: String
        do {
            contents = try readFile(path.value)
        } catch let error as ConfigurationFiles.ReadError {
            throw ConfigurationError("\(location): cannot read the token file \(ConfigFile.quoted(path.value)): \(error.reason)")
        } catch {
            throw ConfigurationError("\(location): cannot read the token file \(ConfigFile.quoted(path.value)): \(error)")
        }
        return try checkedToken(contents, location: location, file: path.value)
    }

    /// The token with surrounding whitespace removed; never echoes the token in an error.
    private func checkedToken(_ text: String, location: String, file: String?) throws -> String {
        let token = String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
        let subject = file.map { "the token file \(ConfigFile.quoted($0))" } ?? "the value"
        if token.isEmpty {
            throw ConfigurationError("\(location): \(subject) is empty; it must hold the API token")
        }
        if token.contains(where: { $0.isWhitespace || $0.isNewline }) || token.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            throw ConfigurationError("\(location): \(subject) (\(SecretMask.mask(token))) contains spaces or line breaks; it must hold only the API token")
        }
        return token
    }
}
