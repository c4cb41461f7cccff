#if canImport(Glibc)
import Glibc
#endif

/// The few libcurl functions `CurlTransport` calls, looked up once in `libcurl.so.4` (the library
/// FoundationNetworking itself uses, so it is present wherever URLSession works).
///
/// Why not URLSession: swift-corelibs-foundation drives libcurl's multi interface with Dispatch
/// sources and never removes a socket's write source when libcurl stops asking for writability
/// (`_SocketSources.createSources` only adds). After a connect or an upload the source fires
/// for as long as the answer takes, so waiting on a slow or silent server spins a core (measured:
/// 70 CPU ticks a second). The easy interface waits in `poll(2)` on a thread of its own instead.
///
/// `curl_easy_setopt` and `curl_easy_getinfo` are variadic in C; they are called here through
/// non-variadic pointers with one pointer-sized third argument. On the Linux ABIs (x86-64 SysV,
/// AArch64) that argument travels in the same register either way.
struct LibCurl: @unchecked Sendable {
    // @unchecked: immutable C function pointers into a library that is never unloaded.
    typealias Handle = OpaquePointer
    typealias HeaderList = OpaquePointer
    /// `size_t (*)(char *, size_t, size_t, void *)`: `CURLOPT_WRITEFUNCTION`, `CURLOPT_HEADERFUNCTION`.
    typealias DataCallback = @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int
    /// `int (*)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t)`: `CURLOPT_XFERINFOFUNCTION`.
    typealias ProgressCallback = @convention(c) (UnsafeMutableRawPointer?, Int64, Int64, Int64, Int64) -> Int32

    let easyInit: @convention(c) () -> Handle?
    let easyCleanup: @convention(c) (Handle?) -> Void
    let easyReset: @convention(c) (Handle?) -> Void
    let easyPerform: @convention(c) (Handle?) -> Int32
    private let easySetopt: @convention(c) (Handle?, Int32, Int) -> Int32
    private let easyGetinfo: @convention(c) (Handle?, Int32, UnsafeMutableRawPointer?) -> Int32
    let slistAppend: @convention(c) (HeaderList?, UnsafePointer<CChar>?) -> HeaderList?
    let slistFreeAll: @convention(c) (HeaderList?) -> Void

    /// The library, or why it cannot be used.
    static let shared: Result<LibCurl, TransportError> = load()

    private static func load() -> Result<LibCurl, TransportError> {
        guard let library = dlopen("libcurl.so.4", RTLD_NOW) ?? dlopen(nil, RTLD_NOW) else {
            return .failure(TransportError(code: .other, detail: "libcurl.so.4 cannot be loaded; install libcurl4"))
        }
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            dlsym(library, name).map { unsafeBitCast($0, to: type) }
        }
        typealias GlobalInit = @convention(c) (Int) -> Int32
        guard let globalInit = symbol("curl_global_init", as: GlobalInit.self),
              let easyInit = symbol("curl_easy_init", as: (@convention(c) () -> Handle?).self),
              let easyCleanup = symbol("curl_easy_cleanup", as: (@convention(c) (Handle?) -> Void).self),
              let easyReset = symbol("curl_easy_reset", as: (@convention(c) (Handle?) -> Void).self),
              let easyPerform = symbol("curl_easy_perform", as: (@convention(c) (Handle?) -> Int32).self),
              let easySetopt = symbol("curl_easy_setopt", as: (@convention(c) (Handle?, Int32, Int) -> Int32).self),
              let easyGetinfo = symbol("curl_easy_getinfo",
                                       as: (@convention(c) (Handle?, Int32, UnsafeMutableRawPointer?) -> Int32).self),
              let slistAppend = symbol("curl_slist_append",
                                       as: (@convention(c) (HeaderList?, UnsafePointer<CChar>?) -> HeaderList?).self),
              let slistFreeAll = symbol("curl_slist_free_all", as: (@convention(c) (HeaderList?) -> Void).self)
        else {
            return .failure(TransportError(code: .other, detail: "libcurl.so.4 lacks the easy interface"))
        }
        // CURL_GLOBAL_ALL; done once, before any handle exists (URLSession does the same).
        guard globalInit(3) == 0 else { return .failure(TransportError(code: .other, detail: "curl_global_init failed")) }
        return .success(LibCurl(easyInit: easyInit, easyCleanup: easyCleanup, easyReset: easyReset, easyPerform: easyPerform,
                                easySetopt: easySetopt, easyGetinfo: easyGetinfo, slistAppend: slistAppend,
                                slistFreeAll: slistFreeAll))
    }

    /// Sets an option whose value is a `long` (or a `curl_off_t`, also 64 bits here).
    @discardableResult
    func set(_ handle: Handle, _ option: Option, _ value: Int) -> Int32 { easySetopt(handle, option.rawValue, value) }

    /// Sets an option whose value is a pointer (a C string, a list, a callback or its data).
    @discardableResult
    func set(_ handle: Handle, _ option: Option, pointer: UnsafeRawPointer?) -> Int32 {
        easySetopt(handle, option.rawValue, Int(bitPattern: pointer))
    }

    /// Reads a `long` fact about the last transfer.
    func info(_ handle: Handle, _ info: Info) -> Int {
        var value = 0
        _ = withUnsafeMutablePointer(to: &value) { easyGetinfo(handle, info.rawValue, $0) }
        return value
    }

    /// `CURLoption` values (curl.h: type base + number).
    enum Option: Int32 {
        case writeData = 10001, url = 10002, errorBuffer = 10010, postFields = 10015, httpHeader = 10023
        case headerData = 10029, customRequest = 10036, xferInfoData = 10057
        case writeFunction = 20011, headerFunction = 20079, xferInfoFunction = 20219
        case noProgress = 43, noBody = 44, post = 47, followLocation = 52, noSignal = 99
        case timeoutMilliseconds = 155, connectTimeoutMilliseconds = 156, protocols = 181, redirectProtocols = 182
        case maxFileSize = 30117, postFieldSize = 30120
    }

    /// `CURLINFO` values of type long.
    enum Info: Int32 {
        case responseCode = 0x200002, osErrno = 0x200019
    }

    /// `CURLPROTO_HTTP | CURLPROTO_HTTPS`.
    static let httpProtocols = 1 | 2
}
