#if canImport(Glibc)
import Glibc
#endif

/// The last line of defence against a store file that shrinks while it is mapped.
///
/// Every open checks the data file's size against its header before mapping it, so a truncated
/// store is refused with an error. A file cut short by another program while `annals` has it open
/// cannot be ruled out that way: reading a page past its new end raises `SIGBUS`. This handler
/// turns that into one line on stderr and exit code 1 instead of a crash dump. Nothing is
/// half-written: LMDB writes with `pwrite`, never through the map, so the signal can only come
/// from a read.
enum MappedFileGuard {
    static func install() {
        #if canImport(Glibc)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            let message: StaticString = "error: the store's data file became shorter while annals was reading it (damaged, or cut by another program); nothing was written; run annals verify, and restore a backup if it fails\n"
            _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
            _exit(1)
        }
        sigemptyset(&action.sa_mask)
        sigaction(SIGBUS, &action, nil)
        #endif
    }
}
