#if canImport(Glibc)
import Glibc
#endif

/// The last line of defence against a mapped store file that cannot back its pages.
///
/// Every open checks the data file's size against its header before mapping it, and refuses to
/// create a store on a nearly full disk, so those cases are errors. Two cannot be ruled out that
/// way: a data file cut short by another program while `annals` has it open, and LMDB's lock file
/// (written through its map) on a file system that fills up meanwhile. Either raises `SIGBUS`;
/// this handler turns it into one line on stderr and exit code 1 instead of a crash dump. No
/// commit is half-made: LMDB writes data pages with `pwrite` and commits with one meta-page write.
enum MappedFileGuard {
    static func install() {
        #if canImport(Glibc)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            let message: StaticString = "error: a store file could not be read or written through its memory map (the disk is full, or the file was cut short by another program); the last commit was not made; free space, then run annals verify (and restore a backup if it fails)\n"
            _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
            _exit(1)
        }
        sigemptyset(&action.sa_mask)
        sigaction(SIGBUS, &action, nil)
        #endif
    }
}
