/// Durations written for people: `370 ms`, `4.2 s`, `47 s`, `4 m 47 s`, `1 h 5 m`. Every
/// duration the commands and the logs print in a message goes through here; JSON records carry
/// the exact figure separately (`duration_ms`).
public enum HumanDuration {
    /// `duration` rounded to what a person needs: milliseconds under a second, tenths of a second
    /// under ten seconds, whole seconds under a minute, minutes and seconds under an hour, hours
    /// and minutes beyond. Zero and negative durations are written `0 s`.
    public static func text(_ duration: Duration) -> String {
        let components = duration.components
        let milliseconds = max(0, components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000)
        return text(milliseconds: milliseconds)
    }

    /// `duration` in seconds, for arithmetic and JSON fields.
    public static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The same for a count of seconds (e.g. an estimate held as a `Double`).
    public static func text(seconds: Double) -> String {
        guard seconds.isFinite, seconds > 0 else { return "0 s" }
        return text(milliseconds: Int64(min(seconds, 1e12) * 1000))
    }

    private static func text(milliseconds: Int64) -> String {
        if milliseconds == 0 { return "0 s" }
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        if milliseconds < 10_000 {
            let tenths = (milliseconds + 50) / 100
            return tenths % 10 == 0 ? "\(tenths / 10) s" : "\(tenths / 10).\(tenths % 10) s"
        }
        let seconds = (milliseconds + 500) / 1000
        if seconds < 60 { return "\(seconds) s" }
        if seconds < 3600 { return seconds % 60 == 0 ? "\(seconds / 60) m" : "\(seconds / 60) m \(seconds % 60) s" }
        let minutes = (seconds + 30) / 60
        return minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(minutes % 60) m"
    }
}
