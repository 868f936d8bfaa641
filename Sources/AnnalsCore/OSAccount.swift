#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The operating-system account this process runs as.
public enum OSAccount {
    /// The effective user's login name from the password database, else `uid:N`. Not from
    /// `$USER`, which the caller sets at will. Read once per process.
    public static let current: String = {
        let uid = geteuid()
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name {
            let text = String(cString: name)
            if !text.isEmpty { return text }
        }
        return "uid:\(uid)"
    }()
}
