/// File-path arithmetic on plain strings.
///
/// `NSString`'s path methods in swift-corelibs-foundation trap on a one-character path (`"g"`):
/// `annals import g` ended in SIGILL. These do the little Annals needs without Foundation.
public enum PathText {
    /// The last component: `"a/b.csv"` → `"b.csv"`, `"g"` → `"g"`; trailing slashes ignored.
    public static func lastComponent(_ path: String) -> String {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let slash = trimmed.lastIndex(of: "/"), trimmed != "/" else { return trimmed }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    /// The extension of the last component without its dot, or `""`: `"b.CSV"` → `"CSV"`.
    public static func fileExtension(_ path: String) -> String {
        let name = lastComponent(path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...])
    }

    /// The folder holding `path`: `"a/b.csv"` → `"a"`, `"b.csv"` → `"."`, `"/b"` → `"/"`.
    public static func parent(_ path: String) -> String {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    /// `folder/name`.
    public static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
