#if canImport(Glibc)
import Glibc
#endif

/// Hands the heap's free pages back to the kernel (glibc `malloc_trim(0)`), so a long-running
/// agent's resident memory falls back after a full reconcile instead of staying at its peak.
/// Swift's Glibc module leaves `<malloc.h>` out, hence the lookup. Returns whether memory was
/// released; false where the C library has no `malloc_trim` (musl).
@discardableResult
public func releaseFreeHeapMemory() -> Bool {
    typealias MallocTrim = @convention(c) (Int) -> Int32
    guard let symbol = dlsym(nil, "malloc_trim") else { return false }  // nil is RTLD_DEFAULT
    return unsafeBitCast(symbol, to: MallocTrim.self)(0) == 1
}
