import Foundation

/// Reads how long a server asked the client to wait, from `retry-after-ms` (preferred, more
/// precise) or `Retry-After` (RFC 9110 §10.2.3: delta-seconds or an HTTP-date).
public enum RetryAfter {
    /// The wait the headers ask for, or nil if they ask for none or cannot be read.
    /// - Parameter now: the time to measure an HTTP-date against. The answer's own `Date` header
    ///   is used instead when present, so a skewed local clock does not matter.
    public static func delay(in headers: TransportHeaders, now: Date) -> Duration? {
        if let text = headers["retry-after-ms"]?.trimmingCharacters(in: .whitespaces),
           let milliseconds = Double(text), milliseconds.isFinite, milliseconds >= 0 {
            return .milliseconds(milliseconds)
        }
        guard let text = headers["retry-after"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            return nil
        }
        if let seconds = Double(text), seconds.isFinite, seconds >= 0 { return .seconds(seconds) }
        guard let date = HTTPDate.parse(text) else { return nil }
        let reference = headers["date"].flatMap(HTTPDate.parse) ?? now
        return .seconds(max(0, date.timeIntervalSince(reference)))
    }
}

/// HTTP-date (RFC 9110 §5.6.7) in its three forms, parsed without locale or time-zone state.
public enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate), `Sunday, 06-Nov-94 08:49:37 GMT` (RFC 850)
    /// or `Sun Nov  6 08:49:37 1994` (asctime).
    public static func parse(_ text: String) -> Date? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        var day: Int?, month: Int?, year: Int?, time: String?
        if words.count == 6, words[5] == "GMT" {          // IMF-fixdate
            day = Int(words[1]); month = monthNumber(words[2]); year = Int(words[3]); time = words[4]
        } else if words.count == 4, words[3] == "GMT" {   // RFC 850
            let parts = words[1].split(separator: "-").map(String.init)
            guard parts.count == 3, let twoDigits = Int(parts[2]) else { return nil }
            day = Int(parts[0]); month = monthNumber(parts[1]); year = twoDigits < 70 ? 2000 + twoDigits : 1900 + twoDigits
            time = words[2]
        } else if words.count == 5 {                      // asctime
            month = monthNumber(words[1]); day = Int(words[2]); time = words[3]; year = Int(words[4])
        }
        guard let day, let month, let year, let time, (1...31).contains(day) else { return nil }
        let clock = time.split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (0...23).contains(clock[0]), (0...59).contains(clock[1]), (0...60).contains(clock[2]) else {
            return nil
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + clock[0] * 3_600 + clock[1] * 60 + clock[2]
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    private static func monthNumber(_ name: String) -> Int? {
        months.firstIndex(of: name.lowercased()).map { $0 + 1 }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
