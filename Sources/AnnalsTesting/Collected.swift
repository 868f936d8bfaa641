import Foundation

/// Results several threads add to.
public final class Collected<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []

    public init() {}

    public func add(_ item: T) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }

    public var all: [T] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}
